"""The orchestration on top of `assets/`: the settings (the one module that reads the
environment), the definitions built from them, jobs, schedule, sensors, step storage
and the `tillvaxt` command."""
