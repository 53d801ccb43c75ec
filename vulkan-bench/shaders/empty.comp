#version 450
// Empty dispatch: measures per-dispatch overhead inside a command buffer. Moves no bytes.
layout(local_size_x = 64) in;
void main() {}
