#!/usr/bin/env python3
"""Writes a small valid GGUF v3 file (llama architecture, 2 layers, Q4_K/Q6_K/F32 tensors) for the
CLI tests; the data region is a sparse hole, so the file is large on paper and tiny on disk.
Usage: make_gguf.py OUT.gguf  -> prints the expected tensor bytes on the GPU and host."""
import struct
import sys

HIDDEN, FFN, VOCAB, LAYERS, KV = 256, 512, 1024, 2, 2
F32, Q4_K, Q6_K = 0, 12, 14
BLOCK = {F32: (1, 4), Q4_K: (256, 144), Q6_K: (256, 210)}  # ggml block elements, bytes


def s(text):
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def kv_u32(key, value):
    return s(key) + struct.pack("<II", 4, value)


def kv_str(key, value):
    return s(key) + struct.pack("<I", 8) + s(value)


def main(path, name=None):
    meta = [kv_str("general.name", name)] if name is not None else []
    meta += [kv_str("general.architecture", "llama"), kv_u32("llama.block_count", LAYERS),
            kv_u32("llama.context_length", 4096), kv_u32("llama.embedding_length", HIDDEN),
            kv_u32("llama.feed_forward_length", FFN), kv_u32("llama.attention.head_count", 4),
            kv_u32("llama.attention.head_count_kv", KV)]
    tensors = [("token_embd.weight", (HIDDEN, VOCAB), Q4_K)]
    for i in range(LAYERS):
        b = f"blk.{i}."
        tensors += [(b + "attn_norm.weight", (HIDDEN,), F32), (b + "attn_q.weight", (HIDDEN, HIDDEN), Q4_K),
                    (b + "attn_k.weight", (HIDDEN, 128), Q4_K), (b + "attn_v.weight", (HIDDEN, 128), Q6_K),
                    (b + "attn_output.weight", (HIDDEN, HIDDEN), Q4_K), (b + "ffn_norm.weight", (HIDDEN,), F32),
                    (b + "ffn_gate.weight", (HIDDEN, FFN), Q4_K), (b + "ffn_up.weight", (HIDDEN, FFN), Q4_K),
                    (b + "ffn_down.weight", (FFN, HIDDEN), Q6_K)]
    tensors += [("output_norm.weight", (HIDDEN,), F32), ("output.weight", (HIDDEN, VOCAB), Q6_K)]
    infos, offset, sizes = b"", 0, {}
    for name, dims, kind in tensors:
        elements = 1
        for d in dims:
            elements *= d
        per, nbytes = BLOCK[kind]
        size = elements // per * nbytes
        sizes[name] = size
        infos += s(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        infos += struct.pack("<IQ", kind, offset)
        offset += (size + 31) // 32 * 32
    header = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(meta)) + b"".join(meta) + infos
    header += b"\0" * ((32 - len(header) % 32) % 32)
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(len(header) + offset)
    host = sizes["token_embd.weight"]
    gpu = sum(size for name, size in sizes.items() if name != "token_embd.weight")
    print(gpu, host)


if __name__ == "__main__":
    # An optional general.name (the hostile-input tests give one with terminal escape codes).
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
