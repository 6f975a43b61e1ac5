// Anchors the GUI library and compiles its precompiled header (ui/CMakeLists.txt).
