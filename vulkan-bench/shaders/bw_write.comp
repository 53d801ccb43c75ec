#version 450
#extension GL_EXT_control_flow_attributes : enable
// Write bandwidth: every uvec4 of `dst` gets a value derived from its index and a run-time seed.
// Bytes moved: the buffer size.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint EPT = 1;
layout(std430, binding = 2) writeonly buffer Dst { uvec4 dst[]; };
layout(push_constant) uniform Push { uint mask; uint pad0; uint pad1; uint pad2; } pc;

void main() {
  const uint wid = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  const uint base = wid * EPT * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
  [[unroll]] for (uint e = 0u; e < EPT; ++e) {
    const uint i = base + e * gl_WorkGroupSize.x;
    dst[i] = uvec4(i ^ pc.mask, i, pc.mask, e);
  }
}
