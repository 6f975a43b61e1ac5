// Starting a study from the studio. The study runs as `zodarts study --resume STUDY`
// in a process of its own, detached from the window: closing the studio does not
// stop it, and the study view follows it through the folder's files like any other.
// Thread-safety: GUI thread only.
#pragma once

#include "core/study/study_plan.h"

#include <QString>

// The zodarts command-line program: $ZODARTS_CLI when set, else `zodarts` beside this
// program (installed or built together), else on PATH; "" when there is none.
QString zodartsExecutable();

// Writes `plan` as a new study in `dir` (which must not exist, or be empty) and
// starts it with `jobs` cells at a time, its output in DIR/study_output.log. False
// with `error` set (naming the folder or the program) when it cannot.
bool startStudy(const zd::StudyPlan& plan, const QString& dir, int jobs, QString* error);
