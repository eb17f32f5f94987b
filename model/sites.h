/* Skin-site presets: layer thicknesses per anatomical site and the capillary depth.
 *
 * Sources (model reference c3): stratum corneum by Raman (Egawa 2007: cheek 16.8 um, back of
 * hand 29.3 um, volar forearm 22.6 um); facial epidermis 29.6-62.6 um and dermis 0.76-1.97 mm
 * (Chopra 2015, histology); whole facial skin 1.86 mm forehead, 1.90 mm cheek (50 MHz ultrasound,
 * women 20-29); mean epidermis 99.75 um over all sites (Xu 2017); dermis 3-4 mm on the back.
 * The papillary dermis is taken as 15 % of the dermis, capped at 0.3 mm (assumption within the
 * 0.1-0.2 fraction; Sorrell & Caplan 2004 find papillary fibroblasts within ~0.3 mm of the
 * surface). The table with every value's source is in docs/model.md.
 * Capillary loops lie in the papillae, 50-100 um below the epidermis (Braverman & Yen 1977);
 * the derived default is 75 um below the top of the papillary dermis.
 */
#ifndef DERMIS_MODEL_SITES_H
#define DERMIS_MODEL_SITES_H

#include "model/protocol.h"
#include "model/skin.h"

/* Depth of the capillary loops below the top of the papillary dermis when not given, mm. */
#define DERMIS_CAPILLARY_BELOW_PAPILLARY_TOP_MM 0.075

/* Preset profile of a site (a dermis_site). Returns 0, or -1 for an unknown site. */
int dermis_site_preset(int site, dermis_skin_profile *out);

/* The run's profile: the site preset with every given (non-NaN) thickness override applied.
 * Returns 0, or -1 for an unknown site or a non-positive thickness. */
int dermis_skin_profile_from_params(const dermis_skin_params *s, dermis_skin_profile *out);

/* Capillary depth below the surface, mm: skin.capillary_depth_mm if given, else the top of the
 * papillary dermis + DERMIS_CAPILLARY_BELOW_PAPILLARY_TOP_MM (at most its bottom). */
double dermis_skin_capillary_depth_mm(const dermis_skin_params *s, const dermis_skin_profile *p);

/* Total thickness of stratum corneum, epidermis and dermis (the top of the hypodermis), mm. */
double dermis_skin_dermis_bottom_mm(const dermis_skin_profile *p);

#endif
