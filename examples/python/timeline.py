# %% [markdown]
# # Her lower back through pregnancy and the first postpartum year
# A notebook-style walkthrough (cells marked `# %%`, runnable as a plain script):
# the README's timeline, from Python, as a pandas DataFrame and a plot.
#
#     python3 examples/python/timeline.py [OUTPUT_DIR]
#
# It writes one file, OUTPUT_DIR/timeline_l5s1.png.

# %%
import os
import sys

from find_spineload import find_spineload

spineload = find_spineload("matplotlib", "pandas")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: a file, no window
import matplotlib.pyplot as plt  # noqa: E402

out_dir = sys.argv[1] if len(sys.argv) > 1 else "timeline_out"
here = os.path.dirname(os.path.abspath(__file__))
subject = os.path.join(here, "..", "timeline_subject.yaml")

# %% [markdown]
# Standing relaxed at every stage, every four weeks: what `spineload timeline --subject
# examples/timeline_subject.yaml --posture standing --from pregnant:0 --to postpartum:52
# --step 4w` prints, as a DataFrame with timeline.csv's columns.

# %%
frame = spineload.timeline(subject, posture="standing", start="pregnant:0", stop="postpartum:52", step="4w")
print(spineload.MECHANICS_NOTICE)
print(frame[["stage", "week", "mass_kg", "L5_S1_compression_N", "L5_S1_factor_of_risk", "status"]].to_string(index=False))
peak = frame.loc[frame["L5_S1_compression_N"].idxmax()]
print(f"L5/S1 compression standing: {frame.iloc[0]['L5_S1_compression_N']:.0f} N before pregnancy, "
      f"{peak['L5_S1_compression_N']:.0f} N at its highest ({peak['stage']} week {peak['week']:g})")

# %% [markdown]
# L5/S1 compression against the weeks, pregnancy then the postpartum year.

# %%
pregnant = frame[frame["stage"] == "pregnant"]
postpartum = frame[frame["stage"] == "postpartum"]
delivery = pregnant["week"].max()
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(pregnant["week"], pregnant["L5_S1_compression_N"], "o-", label="pregnant")
ax.plot(delivery + postpartum["week"], postpartum["L5_S1_compression_N"], "s-", label="postpartum")
ax.axvline(delivery, color="grey", lw=0.8)
ax.set_xlabel("weeks of pregnancy, then postpartum weeks after the line")
ax.set_ylabel("L5/S1 compression (N)")
ax.set_title("Standing relaxed: L5/S1 compression (mechanics, not a diagnosis)")
ax.legend()
fig.tight_layout()
os.makedirs(out_dir, exist_ok=True)
fig.savefig(os.path.join(out_dir, "timeline_l5s1.png"), dpi=100)
print("wrote", os.path.join(out_dir, "timeline_l5s1.png"))
