#version 450
// Dequant-only: invocation t expands the t-th group of 8 weights into 8 fp32 values.
// Bytes moved: the quantized matrix read once + 4 bytes written per weight.
#include "common.glsl"
#include "dequant_funcs.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 2) writeonly buffer Y { vec4 y[]; };
layout(push_constant) uniform Push {
  uint groups_per_row;  // k / 8
  uint total_groups;    // m * k / 8
  uint row_bytes;
  uint pad;
} pc;

void main() {
  const uint t = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  if (t >= pc.total_groups) return;
  const uint row = t / pc.groups_per_row, gi = t % pc.groups_per_row;
  vec4 lo, hi;
  dq8(row * pc.row_bytes + (gi / GROUPS) * BLOCK_BYTES, gi % GROUPS, lo, hi);
  y[2u * t] = lo;
  y[2u * t + 1u] = hi;
}
