#ifndef HEDGEGRID_CEPOLL_SHIM_H
#define HEDGEGRID_CEPOLL_SHIM_H

// Linux epoll, which Swift's Glibc module does not include.
#include <sys/epoll.h>

#endif
