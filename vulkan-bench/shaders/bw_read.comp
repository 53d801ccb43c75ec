#version 450
#extension GL_EXT_control_flow_attributes : enable
// Read bandwidth: workgroup w streams its WG * EPT uvec4s of `src` (coalesced) and sums them;
// the sum is stored only when it equals a run-time value the host never matches in practice,
// so the loads cannot be optimized away. Bytes moved: the buffer size.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint EPT = 1;
layout(std430, binding = 0) readonly buffer Src { uvec4 src[]; };
layout(std430, binding = 2) writeonly buffer Dst { uint dst[]; };
layout(push_constant) uniform Push { uint mask; uint pad0; uint pad1; uint pad2; } pc;

void main() {
  const uint wid = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  const uint base = wid * EPT * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
  uvec4 acc = uvec4(0u);
  [[unroll]] for (uint e = 0u; e < EPT; ++e) acc += src[base + e * gl_WorkGroupSize.x];
  const uint s = acc.x ^ acc.y ^ acc.z ^ acc.w;
  if (s == pc.mask) dst[gl_LocalInvocationID.x] = s;
}
