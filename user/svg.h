/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-contained SVG pictures (no scripts, fonts or external references):
 * an address space drawn like the lecture's figure, and physical memory as
 * a strip of frames coloured by process.
 */
#ifndef PTWALK_SVG_H
#define PTWALK_SVG_H

#include <stdbool.h>

#include "frames.h"
#include "parse.h"

/* fatal() if the file cannot be written. */
void svg_maps_file(const char *path, const struct pt_maps *maps,
		   const struct pt_info *info, bool self);
void svg_frames_file(const char *path, const struct frame_set *fs);

#endif /* PTWALK_SVG_H */
