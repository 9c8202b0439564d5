#!/usr/bin/env python3
"""Provenance of the derived [D] numbers in data/models/female-adult/model.yaml.

Builds the relaxed-standing sagittal geometry of the reference female (de Leva 1996:
1.735 m, 61.9 kg) from the endplate and disc angles cited in model.yaml, and slices
de Leva's three trunk segments (UPT, MPT, LPT) among the spinal bodies assuming mass
spread uniformly along the height of each segment. Prints the values model.yaml holds.
Run: python3 tools/derive_reference_geometry.py
"""
import math

HIP_Y = 0.866            # mid hip joint centre above floor: thigh 0.3685 + shank 0.4323 + ankle 0.065
S1 = (-0.025, 0.107)     # centre of L5/S1 disc from mid-HJC: pelvic radius 0.11 m at pelvic tilt 13 deg
SACRAL_SLOPE = 40.0      # deg, sacral endplate normal tilted anteriorly
# (disc wedge below the vertebra, vertebral body wedge) in deg, lordotic positive; L5..L1
DISC_WEDGE = {"L5_S1": 16.0, "L4_L5": 12.0, "L3_L4": 7.0, "L2_L3": 4.0, "L1_L2": 1.0}
BODY_WEDGE = {"L5": 7.8, "L4": 3.1, "L3": 1.1, "L2": -0.7, "L1": -2.6}   # female, dorsal wedging positive
STEP = 0.037             # disc centre to disc centre, lumbar, reference subject

def main():
    tilt = SACRAL_SLOPE
    x, y = S1
    levels = [("L5_S1", "L5"), ("L4_L5", "L4"), ("L3_L4", "L3"), ("L2_L3", "L2"), ("L1_L2", "L1")]
    out = []
    for disc, vert in levels:
        lower = tilt
        tilt -= DISC_WEDGE[disc]
        disc_tilt = 0.5 * (lower + tilt)
        out.append((disc, x, y, disc_tilt))
        inferior = tilt
        tilt -= BODY_WEDGE[vert]
        axis = 0.5 * (inferior + tilt)
        x += STEP * math.sin(math.radians(axis))
        y += STEP * math.cos(math.radians(axis))
    out.append(("T12_L1", x, y, tilt - 0.0))
    # lower thorax T12..T7: 0.17 m at mean tilt -3.5 deg; upper thorax T6..T1: 0.1455 m at 14 deg
    x += 0.17 * math.sin(math.radians(-3.5)); y += 0.17 * math.cos(math.radians(-3.5))
    out.append(("T6_T7", x, y, 3.0))
    x += 0.15 * math.sin(math.radians(14.0)); y += 0.15 * math.cos(math.radians(14.0))
    out.append(("C7_T1", x, y, 25.0))
    for name, px, py, t in out:
        print(f"{name:7s} centre_m: [{px:.4f}, {py + HIP_Y:.4f}, 0]  disc_tilt_deg: {t:.1f}")

    # trunk slices: de Leva female mass fractions and this geometry's landmark heights
    ys = {n: py for n, _, py, _ in out}
    c7 = ys["C7_T1"]; xiph = c7 - 0.228; omph = 0.1815
    seg = [("LPT", 0.0, omph, 0.1247), ("MPT", omph, xiph, 0.1465), ("UPT", xiph, c7, 0.1545)]
    spans = [("pelvis", 0.0, ys["L5_S1"]), ("L5", ys["L5_S1"], ys["L4_L5"]), ("L4", ys["L4_L5"], ys["L3_L4"]),
             ("L3", ys["L3_L4"], ys["L2_L3"]), ("L2", ys["L2_L3"], ys["L1_L2"]), ("L1", ys["L1_L2"], ys["T12_L1"]),
             ("lower_thorax", ys["T12_L1"], ys["T6_T7"]), ("upper_thorax", ys["T6_T7"], c7)]
    total = 0.0
    for body, a, b in spans:
        m = 0.0
        for _, s0, s1, frac in seg:
            lo, hi = max(a, s0), min(b, s1)
            if hi > lo:
                m += frac * (hi - lo) / (s1 - s0)
        total += m
        print(f"{body:13s} mass_fraction: {m:.5f}  com_y: {0.5 * (a + b) + HIP_Y:.4f}")
    print(f"trunk total {total:.5f} (de Leva 0.4257)")

if __name__ == "__main__":
    main()
