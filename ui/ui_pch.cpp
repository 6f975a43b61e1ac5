// Compiles the GUI layer's precompiled header (ui_pch.h).
