// Compiles the shared precompiled header once (see pch.h).
