#version 450
// Fused dequant + GEMV: y[c][row] = sum_j W[row][j] * x[c][j] for NCOLS columns (batched decode).
// One workgroup per row; each invocation walks 8-weight groups strided by the workgroup size.
// Bytes moved: the quantized matrix + NCOLS * k * 4 (x) + NCOLS * m * 4 (y).
#include "common.glsl"
#include "dequant_funcs.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint NCOLS = 1;
layout(std430, binding = 1) readonly buffer X { vec4 x[]; };
layout(std430, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push {
  uint m;
  uint k;
  uint row_bytes;
  uint pad;
} pc;

const uint kMaxCols = 8u;
const uint kMaxWg = 256u;  // the host never asks for more (and needs a power of two)
#ifdef FAST
shared float sg_partial[kMaxCols * kMaxWg];
#else
shared float partial[kMaxCols * kMaxWg];
#endif

void main() {
  const uint row = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (row >= pc.m) return;  // uniform across the workgroup
  const uint lid = gl_LocalInvocationID.x, wg = gl_WorkGroupSize.x;
  const uint groups = pc.k / 8u, xstride = pc.k / 4u;
  float acc[kMaxCols];
  [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) acc[c] = 0.0;
  for (uint t = lid; t < groups; t += wg) {
    vec4 lo, hi;
    dq8(row * pc.row_bytes + (t / GROUPS) * BLOCK_BYTES, t % GROUPS, lo, hi);
    [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
      if (c < NCOLS) acc[c] += dot(lo, x[c * xstride + 2u * t]) + dot(hi, x[c * xstride + 2u * t + 1u]);
    }
  }
#ifdef FAST
  // Subgroup sums, then one partial per subgroup through shared memory.
  const uint nsg = gl_NumSubgroups;
  [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
    if (c < NCOLS) {
      const float s = subgroupAdd(acc[c]);
      if (subgroupElect()) sg_partial[c * kMaxWg + gl_SubgroupID] = s;
    }
  }
  barrier();
  if (lid == 0u) {
    [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
      if (c < NCOLS) {
        float s = 0.0;
        for (uint i = 0u; i < nsg; ++i) s += sg_partial[c * kMaxWg + i];
        y[c * pc.m + row] = s;
      }
    }
  }
#else
  [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
    if (c < NCOLS) partial[c * kMaxWg + lid] = acc[c];
  }
  barrier();
  for (uint s = wg / 2u; s > 0u; s >>= 1) {
    if (lid < s) {
      [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
        if (c < NCOLS) partial[c * kMaxWg + lid] += partial[c * kMaxWg + lid + s];
      }
    }
    barrier();
  }
  if (lid == 0u) {
    [[unroll]] for (uint c = 0u; c < kMaxCols; ++c) {
      if (c < NCOLS) y[c * pc.m + row] = partial[c * kMaxWg + 0u];
    }
  }
#endif
}
