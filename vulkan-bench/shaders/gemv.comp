#version 450
// Fused dequant + GEMV: y[c][row] = sum_j W[row][j] * x[c][j] for NCOLS columns (batched decode),
// organized as decode kernels are (ggml mul_mat_vec): a workgroup owns ROWS consecutive rows; its
// WG invocations stride over the k dimension in chunks of CHUNK_GROUPS x 8 weights (a block's
// worth of quant bytes, about 16), load each x chunk once and reuse it for every row, keep
// ROWS x NCOLS partial sums in registers and reduce them once at the end: with subgroupAdd and
// one shared-memory pass (FAST), else a shared-memory tree.
// Variants: portable (32-bit loads, fp32 math); FAST (8/16-bit loads, subgroupAdd); FP16 (FAST +
// x in fp16 and fp16 products, fp32 accumulation); INT8DOT (FAST + x quantized to int8 per 32
// with an fp32 scale, dotPacked4x8EXT; q8_0 and q4_0 only).
// Bytes moved: the quantized matrix + NCOLS * (bytes of one x column) + NCOLS * m * 4 (y).
#include "common.glsl"
#include "dequant_funcs.glsl"
#ifdef FP16
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#endif
#ifdef INT8DOT
#extension GL_EXT_integer_dot_product : require
#endif

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint NCOLS = 1;
layout(constant_id = 2) const uint ROWS = 1;
#if defined(FP16)
layout(std430, binding = 1) readonly buffer X { f16vec4 x[]; };
#elif defined(INT8DOT)
layout(std430, binding = 1) readonly buffer X { int xq[]; };  // [8][k/4] packed int8, then [8][k/32] scales
layout(std430, binding = 1) readonly buffer XS { float xs[]; };
#else
layout(std430, binding = 1) readonly buffer X { vec4 x[]; };
#endif
layout(std430, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push {
  uint m;
  uint k;
  uint row_bytes;
  uint pad;
} pc;

const uint kMaxCols = 8u;
const uint kMaxRows = 8u;
shared float red[NCOLS * ROWS * WG];

void main() {
  const uint row0 = (gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x) * ROWS;
  if (row0 >= pc.m) return;  // uniform across the workgroup; the host keeps m % ROWS == 0
  const uint lid = gl_LocalInvocationID.x;
  const uint chunks = pc.k / (8u * CHUNK_GROUPS);
  float acc[kMaxCols * kMaxRows];
  [[unroll]] for (uint i = 0u; i < kMaxCols * kMaxRows; ++i) acc[i] = 0.0;

  for (uint t = lid; t < chunks; t += WG) {
#ifdef INT8DOT
    // One chunk is one 32-weight block of the weights and of x.
    int xw[kMaxCols * 8u];
    float xd[kMaxCols], xsum[kMaxCols];
    [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
      if (c < NCOLS) {
        int s = 0;
        [[unroll]] for (uint i = 0u; i < 8u; ++i) {
          xw[c * 8u + i] = xq[c * (pc.k / 4u) + 8u * t + i];
          s += dotPacked4x8EXT(xw[c * 8u + i], 0x01010101);
        }
        xd[c] = xs[kMaxCols * (pc.k / 4u) + c * (pc.k / 32u) + t];  // the host uploads 8 columns
        xsum[c] = float(s);
      }
    }
    [[unroll]] for (uint r = 0u; r < kMaxRows; ++r) {
      if (r < ROWS) {
        int q[8];
        float d, offset;
        qblock_i8((row0 + r) * pc.row_bytes + t * BLOCK_BYTES, q, d, offset);
        [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
          if (c < NCOLS) {
            int s = 0;
            [[unroll]] for (uint i = 0u; i < 8u; ++i) s += dotPacked4x8EXT(q[i], xw[c * 8u + i]);
            acc[r * kMaxCols + c] += d * xd[c] * (float(s) - offset * xsum[c]);
          }
        }
      }
    }
#else
    [[unroll]] for (uint g = 0u; g < CHUNK_GROUPS; ++g) {
      const uint gi = t * CHUNK_GROUPS + g;
#ifdef FP16
      f16vec4 xl[kMaxCols], xh[kMaxCols];
#else
      vec4 xl[kMaxCols], xh[kMaxCols];
#endif
      [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
        if (c < NCOLS) {
          xl[c] = x[c * (pc.k / 4u) + 2u * gi];
          xh[c] = x[c * (pc.k / 4u) + 2u * gi + 1u];
        }
      }
      [[unroll]] for (uint r = 0u; r < kMaxRows; ++r) {
        if (r < ROWS) {
          vec4 lo, hi;
          dq8((row0 + r) * pc.row_bytes + (gi / GROUPS) * BLOCK_BYTES, gi % GROUPS, lo, hi);
#ifdef FP16
          const f16vec4 l16 = f16vec4(lo), h16 = f16vec4(hi);
#endif
          [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
            if (c < NCOLS) {
#ifdef FP16
              acc[r * kMaxCols + c] += float(dot(l16, xl[c]) + dot(h16, xh[c]));
#else
              acc[r * kMaxCols + c] += dot(lo, xl[c]) + dot(hi, xh[c]);
#endif
            }
          }
        }
      }
    }
#endif
  }

#ifdef FAST
  // Subgroup sums, then one value per subgroup through shared memory, summed by one invocation
  // per output.
  const uint nsg = gl_NumSubgroups;
  [[unroll]] for (uint r = 0u; r < kMaxRows; ++r) {
    [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
      if (r < ROWS && c < NCOLS) {
        const float s = subgroupAdd(acc[r * kMaxCols + c]);
        if (subgroupElect()) red[(r * NCOLS + c) * WG + gl_SubgroupID] = s;
      }
    }
  }
  barrier();
  if (lid < ROWS * NCOLS) {
    float s = 0.0;
    for (uint i = 0u; i < nsg; ++i) s += red[lid * WG + i];
    y[(lid % NCOLS) * pc.m + row0 + lid / NCOLS] = s;
  }
#else
  [[unroll]] for (uint r = 0u; r < kMaxRows; ++r) {
    [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
      if (r < ROWS && c < NCOLS) red[(r * NCOLS + c) * WG + lid] = acc[r * kMaxCols + c];
    }
  }
  barrier();
  for (uint s = WG / 2u; s > 0u; s >>= 1) {
    if (lid < s) {
      [[unroll]] for (uint i = 0u; i < NCOLS * ROWS; ++i) red[i * WG + lid] += red[i * WG + lid + s];
    }
    barrier();
  }
  if (lid < ROWS * NCOLS) y[(lid % NCOLS) * pc.m + row0 + lid / NCOLS] = red[lid * WG];
#endif
}
