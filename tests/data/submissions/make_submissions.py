#!/usr/bin/env python3
"""Writes the submission corpus (good/ and bad/) and expected.json from one real lavapipe run
(good/lavapipe-old-no-driver-version.json, written before the bench recorded driverVersion).

good/t4-crafted.json is that run re-timed as if on an NVIDIA T4 (a catalog card), with tight
samples: the one file every check passes. Each bad/ file breaks exactly one rule of the
submission check (core/src/results/submission_check.cpp). Run from anywhere; it rewrites the files.
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "good", "lavapipe-old-no-driver-version.json")


def stats(samples):
    v = sorted(samples)
    n = len(v)
    at = lambda q: v[int(q * (n - 1) + 0.5)]  # lround for the positive values used here
    median = v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])
    return median, v[0], (at(0.9) - at(0.1)) / median


def retime(row, samples):
    row["samples_seconds"] = samples
    row["median_seconds"], row["best_seconds"], row["spread"] = stats(samples)
    row["gb_per_s"] = row["bytes_moved"] / row["median_seconds"] / 1e9


def measured_read(doc):
    reads = [r["gb_per_s"] for r in doc["results"]
             if r["kernel"] == "read" and r["verified"] and not r["skipped"] and r["gb_per_s"] > 0]
    return max(reads) * 1e9 if reads else None


def t4(base):
    doc = copy.deepcopy(base)
    # A subset of rows keeps the corpus small: every bandwidth kernel, four formats' GEMVs.
    doc["results"] = [r for r in doc["results"] if not r["format"] or
                      (r["kernel"] == "gemv" and r["format"] in ("f16", "q8_0", "q4_k", "q4_0"))]
    factor = 280.0 / (base["measured_read_bytes_per_s"] / 1e9)
    for row in doc["results"]:
        if row["skipped"]:
            continue
        m = row["median_seconds"] / factor
        retime(row, [m * (1 + 0.01 * (i - 2)) for i in range(5)])
    doc["device"].update({
        "name": "NVIDIA T4 (crafted test fixture)", "vendor_id": 4318, "device_id": 7864,
        "device_type": "discrete_gpu", "driver_id": 4, "driver_name": "NVIDIA",
        "driver_info": "535.104.05", "driver_version": (535 << 22) | (104 << 14) | (5 << 6)})
    doc["card"] = {"id": "t4", "name": "NVIDIA T4 16GB", "source": "crafted"}
    doc["spec_bandwidth_bytes_per_s"] = 320e9
    doc["measured_read_bytes_per_s"] = measured_read(doc)
    # The projections follow the re-timed GEMVs, as the bench derives them (best n=1 GEMV
    # bytes/s over the weight bytes per token).
    for p in doc["projections"]:
        gemvs = [r["gb_per_s"] for r in doc["results"] if r["kernel"] == "gemv" and r["n"] == 1
                 and r["verified"] and not r["skipped"] and r["format"] == p["format"]]
        p["tokens_per_s"] = max(gemvs) * 1e9 / p["weight_bytes_per_token"] if gemvs else 0.0
    doc["projections"] = [p for p in doc["projections"] if p["tokens_per_s"] > 0]
    return doc


def first(doc, kernel, **kw):
    for row in doc["results"]:
        if row["kernel"] == kernel and not row["skipped"] and all(row[k] == v for k, v in kw.items()):
            return row
    raise KeyError(kernel)


def dump(doc):
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def main():
    with open(SOURCE) as f:
        base = json.load(f)
    good = t4(base)
    files = {}  # name -> (bytes, status, reason)
    files["good/t4-crafted.json"] = (dump(good), "ok", "")
    files["good/lavapipe-old-no-driver-version.json"] = (None, "flagged", "not in the card catalog")

    def bad(name, reason, edit=None, text=None, status="rejected"):
        if text is None:
            doc = copy.deepcopy(good)
            edit(doc)
            text = dump(doc)
        files["bad/" + name] = (text, status, reason)

    g = dump(good)
    bad("truncated.json", "is not valid JSON", text=g[: len(g) // 3])
    bad("nan.json", "is not valid JSON", text=g.replace('"spread": ', '"spread": NaN, "x": ', 1))
    bad("infinite.json", "is not valid JSON", text=g.replace('"max_error": 0.0', '"max_error": 1e999', 1))
    bad("negative.json", "must be a finite number >= 0",
        lambda d: d["results"][0]["samples_seconds"].__setitem__(0, -0.001))

    def huge(d):
        row = d["results"][0]
        retime(row, [row["median_seconds"]] * 5000)
    bad("huge_array.json", "more than 1000", huge)
    bad("wrong_schema.json", 'schema must be "headroom.bench.v1"',
        lambda d: d.__setitem__("schema", "headroom.bench.v2"))
    bad("duplicate_key.json", 'duplicate key "schema"',
        text=g.replace('"schema": "headroom.bench.v1"',
                       '"schema": "headroom.bench.v1",\n  "schema": "headroom.bench.v1"', 1))
    bad("unknown_key.json", 'unknown top-level key "uploader"',
        lambda d: d.__setitem__("uploader", "someone"))
    bad("missing_field.json", "device.driver_info is missing",
        lambda d: d["device"].pop("driver_info"))
    bad("wrong_type.json", "device.vendor_id must be a non-negative integer",
        lambda d: d["device"].__setitem__("vendor_id", "4318"))

    def inflate(d):
        row = first(d, "read", best_of_sweep=True)
        retime(row, [s / 2 for s in row["samples_seconds"]])  # 560 GB/s on a 320 GB/s card
        d["measured_read_bytes_per_s"] = measured_read(d)
    bad("inflated_bandwidth.json", "by more than 10% (cache-resident, not DRAM)", inflate)

    def fast_gemv(d):
        row = first(d, "gemv", n=1)
        retime(row, [row["bytes_moved"] / 330e9 * (1 + 0.01 * (i - 2)) for i in range(5)])
    bad("gemv_faster_than_read.json", "is faster than the file's read bandwidth", fast_gemv)

    def median_lie(d):
        d["results"][0]["median_seconds"] *= 0.5
    bad("aggregate_mismatch.json", "is not the median of its samples", median_lie)
    bad("unverified_kernel.json", "failed verification",
        lambda d: first(d, "gemv", n=1).__setitem__("verified", False))

    def few(d):
        d["settings"]["samples"] = 3
        for row in d["results"]:
            if not row["skipped"]:
                retime(row, row["samples_seconds"][:3])
        d["measured_read_bytes_per_s"] = measured_read(d)
    bad("few_samples.json", "fewer than 5", few)

    def noisy_timer(d):
        row = d["results"][0]
        m = row["median_seconds"]
        retime(row, [m * 0.1, m * 0.5, m, m * 3, m * 9])
        d["measured_read_bytes_per_s"] = measured_read(d)
    bad("broken_timer.json", "the timer is not reliable", noisy_timer)
    bad("mismatched_device_ids.json", "does not match the device ids",
        lambda d: d["device"].__setitem__("device_id", 9008))
    bad("unknown_variant.json", "is not a headroom-bench variant",
        lambda d: d["results"][0].__setitem__("variant", "turbo"))
    bad("card_name_mismatch.json", "is not the catalog's name for",
        lambda d: d["card"].__setitem__("name", "NVIDIA H100 80GB"))
    bad("card_name_unknown_device.json", "names a card, but the device ids",
        lambda d: (d["device"].update({"device_id": 1}), d["card"].update({"id": ""}),
                   d.__setitem__("spec_bandwidth_bytes_per_s", None)))
    bad("spec_mismatch.json", "differs from the catalog's",
        lambda d: d.__setitem__("spec_bandwidth_bytes_per_s", 900e9))
    bad("path_in_driver_info.json", "a user path",
        lambda d: d["device"].__setitem__("driver_info", "535.104.05 (/home/alice/nvidia)"))
    bad("windows_path.json", "a user path",
        lambda d: d["build"].__setitem__("compiler", "MSVC C:\\Users\\bob\\cl.exe"))
    bad("hostname_in_device_name.json", "a host name",
        lambda d: d["device"].__setitem__("name", "NVIDIA T4 on gpu-box.lab.example.com"))
    bad("at_in_driver_info.json", "an '@'",
        lambda d: d["device"].__setitem__("driver_info", "535.104.05 built by bob@buildhost"))
    bad("bad_spirv_digest.json", "build.spirv_digest must be",
        lambda d: d["build"].__setitem__("spirv_digest", "not-a-digest"))
    bad("bad_bench_version.json", "is not a headroom version",
        lambda d: d["build"].__setitem__("version", "latest"))
    bad("zero_vendor.json", "device.vendor_id is 0",
        lambda d: d["device"].update({"vendor_id": 0, "device_id": 0}))
    bad("too_large.json", "larger than the 512 KB", text=g + " " * (600 * 1024))
    bad("empty.json", "the file is empty", text="")
    deep = "[" * 50 + "]" * 50
    bad("deep_nesting.json", "nests deeper than 8 levels",
        text=g.replace('"projections": [', '"projections": [' + deep + ",", 1))
    files["bad/invalid_utf8.json"] = (
        g.replace("NVIDIA T4 (crafted", "NVIDIA T4 \udcff(crafted", 1), "rejected",
        "is not valid UTF-8")
    bad("unknown_device_flagged.json", "is not in the card catalog",
        lambda d: (d["device"].update({"device_id": 1}), d["card"].update({"id": "", "name": ""}),
                   d.__setitem__("spec_bandwidth_bytes_per_s", None)), status="flagged")

    def noisy(d):
        row = first(d, "read", best_of_sweep=True)
        m = row["median_seconds"]
        retime(row, [m * 0.8, m * 0.9, m, m * 1.1, m * 1.3])
        d["measured_read_bytes_per_s"] = measured_read(d)
    bad("noisy_flagged.json", "have a spread above 0.25", noisy, status="flagged")

    expected = {}
    for name, (text, status, reason) in sorted(files.items()):
        if text is not None:
            with open(os.path.join(HERE, name), "wb") as f:
                f.write(text.encode("utf-8", "surrogateescape"))
        expected[name] = {"status": status, "reason": reason}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"schema": "headroom.submission-corpus.v1", "files": expected}, f, indent=2,
                  sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
