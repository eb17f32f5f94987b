/* Site presets of layer thicknesses (sources in sites.h and docs/model.md). */
#include "model/sites.h"

#include <math.h>

/* Papillary share of the dermis and its cap (assumption, see sites.h). */
#define PAPILLARY_FRACTION 0.15
#define PAPILLARY_CAP_MM 0.3

typedef struct {
    double stratum_corneum_mm;
    double epidermis_mm;
    double dermis_mm; /* papillary + reticular */
} site_row;

/* One row per dermis_site, in enum order. Values and their sources: docs/model.md, "Skin sites". */
static const site_row site_table[DERMIS_N_SITES] = {
    /* face_cheek: SC Egawa 2007; epidermis mid Chopra 2015 range; dermis = 1.90 mm (50 MHz US) - SC - epidermis */
    {0.0168, 0.050, 1.833},
    /* forehead: SC as cheek (assumption); epidermis as cheek; dermis = 1.86 mm (50 MHz US) - SC - epidermis */
    {0.0168, 0.050, 1.793},
    /* neck: SC between cheek and forearm, epidermis as face, dermis 1.3 mm (assumptions) */
    {0.020, 0.050, 1.30},
    /* hand_dorsum: SC Egawa 2007; epidermis 85 um (assumption below the Xu 2017 mean); dermis 1.1 mm (assumption) */
    {0.0293, 0.085, 1.10},
    /* abdomen: SC as volar forearm (Egawa 2007); epidermis 80 um, dermis 2.0 mm (assumptions) */
    {0.0226, 0.080, 2.00},
    /* back: SC as volar forearm; epidermis Xu 2017 mean; dermis 3.0 mm (low end of 3-4 mm) */
    {0.0226, 0.100, 3.00},
};

int dermis_site_preset(int site, dermis_skin_profile *out)
{
    if (site < 0 || site >= DERMIS_N_SITES) return -1;
    const site_row *r = &site_table[site];
    const double papillary = fmin(PAPILLARY_FRACTION * r->dermis_mm, PAPILLARY_CAP_MM);
    out->stratum_corneum_mm = r->stratum_corneum_mm;
    out->epidermis_mm = r->epidermis_mm;
    out->papillary_dermis_mm = papillary;
    out->reticular_dermis_mm = r->dermis_mm - papillary;
    return 0;
}

static int override(double *value, double given)
{
    if (isnan(given)) return 0;
    *value = given;
    return given > 0.0 ? 0 : -1;
}

int dermis_skin_profile_from_params(const dermis_skin_params *s, dermis_skin_profile *out)
{
    if (dermis_site_preset(s->site, out)) return -1;
    int bad = override(&out->stratum_corneum_mm, s->stratum_corneum_mm);
    bad |= override(&out->epidermis_mm, s->epidermis_mm);
    bad |= override(&out->papillary_dermis_mm, s->papillary_dermis_mm);
    bad |= override(&out->reticular_dermis_mm, s->reticular_dermis_mm);
    return bad ? -1 : 0;
}

double dermis_skin_capillary_depth_mm(const dermis_skin_params *s, const dermis_skin_profile *p)
{
    if (!isnan(s->capillary_depth_mm)) return s->capillary_depth_mm;
    const double top = dermis_skin_layer_top_mm(p, DERMIS_LAYER_PAPILLARY_DERMIS);
    return top + fmin(DERMIS_CAPILLARY_BELOW_PAPILLARY_TOP_MM, p->papillary_dermis_mm);
}

double dermis_skin_dermis_bottom_mm(const dermis_skin_profile *p)
{
    return dermis_skin_layer_top_mm(p, DERMIS_LAYER_HYPODERMIS);
}
