// The device list of the wizard and the retrain dialog: every place a run can go,
// named as a user recognises it ("cuda:0 — NVIDIA H200, 140 GiB"), each item
// carrying the config value it stands for ("cuda:0") as its data.
#pragma once

class QComboBox;

// Adds auto, cpu and one item per CUDA GPU to `combo`, with a tooltip that says
// what auto picks here and, in a CPU-only build, how to get a GPU build.
void addDeviceChoices(QComboBox* combo);
