"""spineload from Python in a dozen lines: her model, a posture, its loads.

    python3 examples/python/quickstart.py
"""
from find_spineload import find_spineload

spineload = find_spineload("numpy")

model = spineload.default_model()                      # 1.65 m, 62 kg
bent = spineload.posture(model, {
    "name": "bend_with_baby",
    "rhythms": {"trunk_flexion": 35},                   # degrees from relaxed standing
    "loads": [{"type": "hand_mass", "mass_kg": 6, "hands": "both"}],
})
result = spineload.analyze(model, bent)
l5 = result.levels.index("L5_S1")
print(spineload.MECHANICS_NOTICE)
print(f"L5/S1 compression {result.compression_N[0, l5]:.0f} N, "
      f"antero-posterior shear {result.shear_ap_N[0, l5]:.0f} N, status {result.status[0]}")
top = result.muscle_force_N[0].argsort()[::-1][:3]
print("largest muscle forces:", ", ".join(f"{result.muscles[m]} {result.muscle_force_N[0, m]:.0f} N" for m in top))
