#!/usr/bin/env python3
"""Writes the NumPy/HDF5 reader fixtures beside this script.

The .npy/.npz files are crafted byte by byte from NumPy's format specification (numpy.lib.format, NEP 1) with the
standard library only -- no NumPy -- so the readers are tested against the specification, not against our writer.
`--check` (needs NumPy) verifies that numpy.load reads every crafted file to the expected values and that np.save
writes byte-identical files. The .h5 file needs h5py (Debian: python3-h5py), which writes it the way h5py users do.
"""
import pickle
import struct
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name: (descr, fortran_order, shape, C-order values, version)
ARRAYS = {
    "f8_c": ("<f8", False, (3, 2), [1.5, -2.25, 3.0, 1e-300, -0.0, 6.125], 1),
    "f4_c": ("<f4", False, (2, 3), [0.5, -1.0, 2.0, 3.25, -4.5, 100.0], 1),
    "i8_1d": ("<i8", False, (4,), [-9007199254740993, 0, 1, 2**62], 1),
    "i4_fortran": ("<i4", True, (2, 3), [1, 2, 3, 4, 5, 6], 1),
    "f8_big_endian": (">f8", False, (2, 2), [1.0, -2.0, 0.1, 1e10], 1),
    "f8_v2": ("<f8", False, (2,), [3.5, -7.25], 2),
    "f8_scalar": ("<f8", False, (), [42.0], 1),
}

FORMATS = {"f8": "d", "f4": "f", "i8": "q", "i4": "i"}


def header(descr, fortran, shape, version):
    tuple_text = "()" if not shape else "(%d,)" % shape[0] if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"
    text = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, "True" if fortran else "False", tuple_text)
    prefix = 10 if version == 1 else 12
    padded = -(-(prefix + len(text) + 1) // 64) * 64 - prefix     # data starts on a 64-byte boundary
    text = text.ljust(padded - 1) + "\n"
    length = struct.pack("<H", padded) if version == 1 else struct.pack("<I", padded)
    return b"\x93NUMPY" + bytes([version, 0]) + length + text.encode("latin1")


def fortran_values(values, shape):
    """The C-order values laid out first-index-fastest (for 2-D shapes)."""
    rows, cols = shape
    return [values[r * cols + c] for c in range(cols) for r in range(rows)]


def npy(descr, fortran, shape, values, version=1):
    order = ">" if descr[0] == ">" else "<"
    stored = fortran_values(values, shape) if fortran else values
    return header(descr, fortran, shape, version) + struct.pack(order + FORMATS[descr[1:]] * len(stored), *stored)


def trajectory():
    t = [0.1 * i for i in range(6)]
    x = [v for i in range(6) for v in (1.0 - 0.1 * i, 0.5 * i * i)]
    return t, x


def write():
    for name, (descr, fortran, shape, values, version) in ARRAYS.items():
        (HERE / f"{name}.npy").write_bytes(npy(descr, fortran, shape, values, version))
    # An object array as np.save(allow_pickle=True) writes it: the header, then a pickle (never to be read).
    (HERE / "object.npy").write_bytes(header("|O", False, (2,), 1) + pickle.dumps(["a", 1], protocol=3))
    t, x = trajectory()
    for name, method in (("trajectory", zipfile.ZIP_STORED), ("trajectory_compressed", zipfile.ZIP_DEFLATED)):
        # As np.savez / np.savez_compressed write them: one NAME.npy entry per array, each with zip64 extra fields.
        with zipfile.ZipFile(HERE / f"{name}.npz", "w", method) as archive:
            for entry, data in (("t.npy", npy("<f8", False, (6,), t)), ("x.npy", npy("<f8", False, (6, 2), x))):
                with archive.open(entry, "w", force_zip64=True) as out:
                    out.write(data)
    try:
        import h5py
    except ImportError:
        print("h5py missing: trajectory.h5 left as it is")
        return
    import numpy as np
    with h5py.File(HERE / "trajectory.h5", "w") as f:
        f["t"] = np.array(t)
        f["x"] = np.array(x).reshape(6, 2)
        f["runs/slow/t"] = np.array(t) * 2
        f["runs/slow/x"] = np.array(x, dtype=np.float32).reshape(6, 2)
        f["cube"] = np.zeros((2, 2, 2))


def check():
    import numpy as np
    for name, (descr, fortran, shape, values, version) in ARRAYS.items():
        a = np.load(HERE / f"{name}.npy")
        expected = np.array(values, dtype=np.dtype(descr)).reshape(shape)
        assert a.dtype == np.dtype(descr) and a.shape == shape and (a == expected).all(), name
        if version == 1:
            saved = HERE / f".{name}.check.npy"
            np.save(saved, np.asfortranarray(expected) if fortran else expected)
            assert saved.read_bytes() == (HERE / f"{name}.npy").read_bytes(), f"np.save writes {name} differently"
            saved.unlink()
    for name in ("trajectory", "trajectory_compressed"):
        z = np.load(HERE / f"{name}.npz")
        t, x = trajectory()
        assert (z["t"] == np.array(t)).all() and (z["x"] == np.array(x).reshape(6, 2)).all(), name
    try:
        np.load(HERE / "object.npy")
        raise AssertionError("object.npy loaded without allow_pickle")
    except ValueError:
        pass
    print("numpy", np.__version__, "reads every fixture as expected; np.save writes the version-1.0 ones byte for byte")


if __name__ == "__main__":
    check() if "--check" in sys.argv else write()
