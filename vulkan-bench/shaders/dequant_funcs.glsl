// dq8(blk, g, lo, hi): the 8 consecutive weights g*8 .. g*8+7 of the block starting at byte `blk`,
// computed with the same float operations in the same order as the core's reference dequantizer
// (core/src/quant_reference_*.cpp) and marked `precise` so no fused multiply-add changes a bit.
// BLOCK_BYTES and GROUPS (8-weight groups per block) describe the layout for the host;
// CHUNK_GROUPS is how many groups one GEMV invocation takes per step (about 16 quant bytes).
// Lookup tables are packed into constant words and selected arithmetically: a dynamically
// indexed constant array becomes per-invocation scratch memory on some compilers (llvmpipe).

#if defined(FMT_F16) || defined(FMT_BF16)
#define BLOCK_BYTES 16u
#define GROUPS 1u
#define CHUNK_GROUPS 2u
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uvec4 w = uvec4(a32[blk >> 2], a32[(blk >> 2) + 1u], a32[(blk >> 2) + 2u], a32[(blk >> 2) + 3u]);
#ifdef FMT_F16
  lo = vec4(unpackHalf2x16(w.x), unpackHalf2x16(w.y));
  hi = vec4(unpackHalf2x16(w.z), unpackHalf2x16(w.w));
#else
  lo = uintBitsToFloat(uvec4(w.x << 16, w.x & 0xFFFF0000u, w.y << 16, w.y & 0xFFFF0000u));
  hi = uintBitsToFloat(uvec4(w.z << 16, w.z & 0xFFFF0000u, w.w << 16, w.w & 0xFFFF0000u));
#endif
}
#endif

#ifdef FMT_FP8_E4M3
#define BLOCK_BYTES 8u
#define GROUPS 1u
#define CHUNK_GROUPS 2u
float e4m3(uint b) {  // OCP E4M3; the reference quantizer never produces the NaN codes
  const uint e = (b >> 3) & 15u, m = b & 7u;
  precise float v = e == 0u ? ldexp(float(m), -9) : ldexp(float(8u + m), int(e) - 10);
  return (b & 128u) != 0u ? -v : v;
}
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uvec4 a = bytes4(a32[blk >> 2]), b = bytes4(a32[(blk >> 2) + 1u]);
  lo = vec4(e4m3(a.x), e4m3(a.y), e4m3(a.z), e4m3(a.w));
  hi = vec4(e4m3(b.x), e4m3(b.y), e4m3(b.z), e4m3(b.w));
}
#endif

#ifdef FMT_Q8_0
#define BLOCK_BYTES 34u
#define GROUPS 4u
#define CHUNK_GROUPS 4u
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const float d = read_f16(blk);
  const ivec4 a = ivec4(bytes4(read_u32(blk + 2u + 8u * g)) << 24) >> 24;
  const ivec4 b = ivec4(bytes4(read_u32(blk + 6u + 8u * g)) << 24) >> 24;
  precise vec4 l = vec4(a) * d, h = vec4(b) * d;
  lo = l; hi = h;
}
#endif

#ifdef FMT_Q8_0
// Integer-dot path: the block's 32 quants as 8 words of packed int8, its scale, and the constant
// subtracted from each quant (0 here).
void qblock_i8(uint blk, out int q[8], out float d, out float offset) {
  d = read_f16(blk);
  offset = 0.0;
  [[unroll]] for (uint i = 0u; i < 8u; ++i) q[i] = int(read_u32(blk + 2u + 4u * i));
}
#endif

#ifdef FMT_Q4_0
#define BLOCK_BYTES 18u
#define GROUPS 4u
#define CHUNK_GROUPS 4u
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const float d = read_f16(blk);
  const uint off = blk + 2u + 8u * (g & 1u), shift = 4u * (g >> 1);
  precise vec4 l = vec4(ivec4(nib_lo4(read_u32(off), shift)) - 8) * d;
  precise vec4 h = vec4(ivec4(nib_lo4(read_u32(off + 4u), shift)) - 8) * d;
  lo = l; hi = h;
}
// Integer-dot path: quants 0..15 as packed int8 (low nibbles are weights 0..15, high nibbles
// 16..31); the kernel subtracts 8 x sum(x) afterwards.
void qblock_i8(uint blk, out int q[8], out float d, out float offset) {
  d = read_f16(blk);
  offset = 8.0;
  [[unroll]] for (uint i = 0u; i < 4u; ++i) {
    const uint w = read_u32(blk + 2u + 4u * i);
    q[i] = int(w & 0x0F0F0F0Fu);
    q[i + 4u] = int((w >> 4) & 0x0F0F0F0Fu);
  }
}
#endif

#ifdef FMT_MXFP4
#define BLOCK_BYTES 17u
#define GROUPS 4u
#define CHUNK_GROUPS 4u
// Doubled e2m1 value of a nibble (0, 1, 2, 3, 4, 6, 8, 12 and negatives; code 8 is +0 as in
// ggml's table), computed instead of looked up.
vec4 mx4(uvec4 q) {
  const uvec4 e = (q >> 1) & 3u, m = q & 1u;
  const uvec4 mag = mix(m, (2u + m) << (max(e, uvec4(1u)) - 1u), greaterThan(e, uvec4(0u)));
  return vec4(ivec4(mag) * (1 - 2 * ivec4((q >> 3) & 1u)));
}
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uint e = read_u8(blk);
  const float d = uintBitsToFloat(e < 2u ? (0x00200000u << e) : ((e - 1u) << 23));
  const uint off = blk + 1u + 8u * (g & 1u), shift = 4u * (g >> 1);
  const uvec4 a = nib_lo4(read_u32(off), shift), b = nib_lo4(read_u32(off + 4u), shift);
  precise vec4 l = mx4(a) * d;
  precise vec4 h = mx4(b) * d;
  lo = l; hi = h;
}
#endif

#ifdef FMT_AWQ_INT4_G128
// Super-block of 8 groups of 128: 512 bytes of nibbles, 8 fp16 scales, 8 zero nibbles.
#define BLOCK_BYTES 532u
#define GROUPS 128u
#define CHUNK_GROUPS 4u
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uint grp = g / 16u;
  const float s = read_f16(blk + 512u + 2u * grp);
  const float z = float((read_u32(blk + 528u) >> (4u * grp)) & 15u);
  vec4 ql, qh;
  nibbles8(read_u32(blk + 4u * g), ql, qh);
  precise vec4 l = (ql - z) * s, h = (qh - z) * s;  // (q - zero) * scale
  lo = l; hi = h;
}
#endif

#if defined(FMT_Q4_K) || defined(FMT_Q5_K)
// ggml get_scale_min_k4 over the 12 scale bytes at `sc`.
void scale_min_k4(uint sc, uint j, out float s, out float m) {
  if (j < 4u) {
    s = float(read_u8(sc + j) & 63u);
    m = float(read_u8(sc + j + 4u) & 63u);
  } else {
    const uint q = read_u8(sc + j + 4u);
    s = float((q & 15u) | ((read_u8(sc + j - 4u) >> 6) << 4));
    m = float((q >> 4) | ((read_u8(sc + j) >> 6) << 4));
  }
}
#endif

#ifdef FMT_Q4_K
#define BLOCK_BYTES 144u
#define GROUPS 32u
#define CHUNK_GROUPS 4u
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uint w0 = 8u * g, c = w0 / 64u, upper = (w0 % 64u) / 32u, l0 = w0 % 32u;
  float sc, mn;
  scale_min_k4(blk + 4u, 2u * c + upper, sc, mn);
  precise float d1 = read_f16(blk) * sc;
  precise float m1 = read_f16(blk + 2u) * mn;
  const uint off = blk + 16u + 32u * c + l0;
  precise vec4 l = d1 * vec4(nib_lo4(read_u32(off), 4u * upper)) - m1;
  precise vec4 h = d1 * vec4(nib_lo4(read_u32(off + 4u), 4u * upper)) - m1;
  lo = l; hi = h;
}
#endif

#ifdef FMT_Q5_K
#define BLOCK_BYTES 176u
#define GROUPS 32u
#define CHUNK_GROUPS 4u
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uint w0 = 8u * g, c = w0 / 64u, upper = (w0 % 64u) / 32u, l0 = w0 % 32u;
  float sc, mn;
  scale_min_k4(blk + 4u, 2u * c + upper, sc, mn);
  precise float d1 = read_f16(blk) * sc;
  precise float m1 = read_f16(blk + 2u) * mn;
  const uint off = blk + 48u + 32u * c + l0, hb = 2u * c + upper;
  const uvec4 h0 = (bytes4(read_u32(blk + 16u + l0)) >> hb) & 1u;
  const uvec4 h1 = (bytes4(read_u32(blk + 20u + l0)) >> hb) & 1u;
  precise vec4 l = d1 * vec4(nib_lo4(read_u32(off), 4u * upper) + 16u * h0) - m1;
  precise vec4 h = d1 * vec4(nib_lo4(read_u32(off + 4u), 4u * upper) + 16u * h1) - m1;
  lo = l; hi = h;
}
#endif

#ifdef FMT_Q6_K
#define BLOCK_BYTES 210u
#define GROUPS 32u
#define CHUNK_GROUPS 4u
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uint w0 = 8u * g, n = w0 / 128u, gg = (w0 % 128u) / 32u, l0 = w0 % 32u;
  const uint ql = blk + 64u * n + l0 + 32u * (gg & 1u), qh = blk + 128u + 32u * n + l0;
  const uint nib = 4u * (gg >> 1), hs = 2u * gg;
  const int sc = (int(read_u8(blk + 192u + w0 / 16u)) << 24) >> 24;
  const ivec4 q0 = ivec4(nib_lo4(read_u32(ql), nib) | (((bytes4(read_u32(qh)) >> hs) & 3u) << 4)) - 32;
  const ivec4 q1 = ivec4(nib_lo4(read_u32(ql + 4u), nib) | (((bytes4(read_u32(qh + 4u)) >> hs) & 3u) << 4)) - 32;
  precise float ds = read_f16(blk + 208u) * float(sc);
  precise vec4 l = ds * vec4(q0), h = ds * vec4(q1);
  lo = l; hi = h;
}
#endif

#ifdef FMT_Q3_K
#define BLOCK_BYTES 110u
#define GROUPS 32u
#define CHUNK_GROUPS 8u
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uint w0 = 8u * g, n = w0 / 128u, si = (w0 % 128u) / 32u, l0 = w0 % 32u, j = w0 / 16u;
  const uint low = (read_u8(blk + 96u + j % 8u) >> (4u * (j / 8u))) & 15u;
  const uint high = (read_u8(blk + 104u + j % 4u) >> (2u * (j / 4u))) & 3u;
  precise float dl = read_f16(blk + 108u) * float(int(low | (high << 4)) - 32);
  const uint qs = blk + 32u + 32u * n + l0, hbit = 4u * n + si;
  const ivec4 q0 = ivec4((bytes4(read_u32(qs)) >> (2u * si)) & 3u) - 4 * ivec4(1u - ((bytes4(read_u32(blk + l0)) >> hbit) & 1u));
  const ivec4 q1 = ivec4((bytes4(read_u32(qs + 4u)) >> (2u * si)) & 3u) - 4 * ivec4(1u - ((bytes4(read_u32(blk + l0 + 4u)) >> hbit) & 1u));
  precise vec4 l = dl * vec4(q0), h = dl * vec4(q1);
  lo = l; hi = h;
}
#endif

#ifdef FMT_Q2_K
#define BLOCK_BYTES 84u
#define GROUPS 32u
#define CHUNK_GROUPS 8u
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uint w0 = 8u * g, n = w0 / 128u, si = (w0 % 128u) / 32u, l0 = w0 % 32u;
  const uint sc = read_u8(blk + w0 / 16u);
  precise float dl = read_f16(blk + 80u) * float(sc & 15u);
  precise float ml = read_f16(blk + 82u) * float(sc >> 4);
  const uint qs = blk + 16u + 32u * n + l0;
  precise vec4 l = dl * vec4((bytes4(read_u32(qs)) >> (2u * si)) & 3u) - ml;
  precise vec4 h = dl * vec4((bytes4(read_u32(qs + 4u)) >> (2u * si)) & 3u) - ml;
  lo = l; hi = h;
}
#endif

#ifdef FMT_IQ4_XS
#define BLOCK_BYTES 136u
#define GROUPS 32u
#define CHUNK_GROUPS 4u
// The IQ4_NL codebook as int8 bytes packed little-endian into four words.
float iq4v(uint q) {
  const uint w = q < 8u ? (q < 4u ? 0xBFAD9881u : 0xF6EADDCFu) : (q < 12u ? 0x26190D01u : 0x71594535u);
  return float(int(w << (24u - 8u * (q & 3u))) >> 24);
}
vec4 iq4v4(uvec4 q) { return vec4(iq4v(q.x), iq4v(q.y), iq4v(q.z), iq4v(q.w)); }
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uint w0 = 8u * g, ib = w0 / 32u, j0 = w0 % 32u;
  const uint ls = ((read_u8(blk + 4u + ib / 2u) >> (4u * (ib % 2u))) & 15u) |
                  (((read_u16(blk + 2u) >> (2u * ib)) & 3u) << 4);
  precise float dl = read_f16(blk) * float(int(ls) - 32);
  const uint off = blk + 8u + 16u * ib + j0 % 16u, shift = 4u * (j0 / 16u);
  const uvec4 a = nib_lo4(read_u32(off), shift), b = nib_lo4(read_u32(off + 4u), shift);
  precise vec4 l = dl * iq4v4(a);
  precise vec4 h = dl * iq4v4(b);
  lo = l; hi = h;
}
#endif

#ifdef FMT_IQ2_XXS
#define BLOCK_BYTES 66u
#define GROUPS 32u
#define CHUNK_GROUPS 8u
void dq8(uint blk, uint g, out vec4 lo, out vec4 hi) {
  const uint w0 = 8u * g, ib32 = w0 / 32u, l = (w0 % 32u) / 8u;
  const uint aux0 = read_u32(blk + 2u + 8u * ib32), aux1 = read_u32(blk + 6u + 8u * ib32);
  precise float db = read_f16(blk) * (0.5 + float(aux1 >> 28)) * 0.25;
  const uint idx = (aux0 >> (8u * l)) & 255u;
  const uint s7 = (aux1 >> (7u * l)) & 127u;
  const uint signs = s7 | ((uint(bitCount(s7)) & 1u) << 7);
  const vec4 g0 = vec4(bytes4(lut[2u * idx])), g1 = vec4(bytes4(lut[2u * idx + 1u]));
  const vec4 s0 = vec4(1.0) - 2.0 * vec4((uvec4(signs) >> uvec4(0, 1, 2, 3)) & 1u);
  const vec4 s1 = vec4(1.0) - 2.0 * vec4((uvec4(signs) >> uvec4(4, 5, 6, 7)) & 1u);
  precise vec4 a = db * g0 * s0, b = db * g1 * s1;
  lo = a; hi = b;
}
#endif
