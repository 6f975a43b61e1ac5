# Sources of ui/wizard (paths relative to ui/).
target_sources(zodarts_ui PRIVATE
  wizard/advanced_dialog.cpp
  wizard/advanced_dialog.h
  wizard/band_preview.cpp
  wizard/band_preview.h
  wizard/budget_page.cpp
  wizard/budget_page.h
  wizard/config_dialog.cpp
  wizard/config_dialog.h
  wizard/config_fields.cpp
  wizard/config_fields.h
  wizard/data_page.cpp
  wizard/data_page.h
  wizard/data_probe.cpp
  wizard/data_probe.h
  wizard/device_choices.cpp
  wizard/device_choices.h
  wizard/run_page.cpp
  wizard/run_page.h
  wizard/schedule_page.cpp
  wizard/schedule_page.h
  wizard/search_setup.cpp
  wizard/search_setup.h
  wizard/search_wizard.cpp
  wizard/search_wizard.h
)
