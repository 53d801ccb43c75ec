// Byte-addressed reads of the weight buffer (binding 0). The portable variant reads 32-bit words
// only; FAST reads through 8/16-bit storage views of the same binding (as ggml does).
#extension GL_EXT_control_flow_attributes : enable
#ifdef FAST
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require
#extension GL_EXT_shader_explicit_arithmetic_types_int16 : require
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(std430, binding = 0) readonly buffer A8 { uint8_t a8[]; };
layout(std430, binding = 0) readonly buffer A16 { uint16_t a16[]; };
#endif
layout(std430, binding = 0) readonly buffer A32 { uint a32[]; };
// Lookup table (IQ2_XXS grid as pairs of little-endian words); a 16-byte dummy otherwise.
layout(std430, binding = 3) readonly buffer Lut { uint lut[]; };

uint read_u8(uint off) {
#ifdef FAST
  return uint(a8[off]);
#else
  return (a32[off >> 2] >> ((off & 3u) * 8u)) & 0xFFu;
#endif
}

uint read_u16(uint off) {  // off is even
#ifdef FAST
  return uint(a16[off >> 1]);
#else
  return (a32[off >> 2] >> ((off & 2u) * 8u)) & 0xFFFFu;
#endif
}

uint read_u32(uint off) {  // any alignment; buffers carry 16 bytes of tail padding
  if ((off & 3u) == 0u) return a32[off >> 2];
#ifdef FAST
  if ((off & 1u) == 0u) return uint(a16[off >> 1]) | (uint(a16[(off >> 1) + 1u]) << 16);
#endif
  const uint sh = (off & 3u) * 8u;
  return (a32[off >> 2] >> sh) | (a32[(off >> 2) + 1u] << (32u - sh));
}

float read_f16(uint off) { return unpackHalf2x16(read_u16(off)).x; }

// Eight 4-bit fields of a word as floats, lowest nibble first.
void nibbles8(uint w, out vec4 lo, out vec4 hi) {
  lo = vec4(w & 15u, (w >> 4) & 15u, (w >> 8) & 15u, (w >> 12) & 15u);
  hi = vec4((w >> 16) & 15u, (w >> 20) & 15u, (w >> 24) & 15u, w >> 28);
}

// Low (shift 0) or high (shift 4) nibbles of the 8 bytes starting at `off`.
uvec4 nib_lo4(uint w, uint shift) {
  return uvec4((w >> shift) & 15u, (w >> (shift + 8u)) & 15u, (w >> (shift + 16u)) & 15u,
               (w >> (shift + 24u)) & 15u);
}

uvec4 bytes4(uint w) { return uvec4(w & 255u, (w >> 8) & 255u, (w >> 16) & 255u, w >> 24); }
