#ifndef HEDGEGRID_CSYSTEMD_SHIM_H
#define HEDGEGRID_CSYSTEMD_SHIM_H

#include <systemd/sd-daemon.h>

/// First file descriptor passed by socket activation (SD_LISTEN_FDS_START is a macro).
static inline int hg_sd_listen_fds_start(void) { return SD_LISTEN_FDS_START; }

#endif
