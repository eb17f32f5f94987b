/* Treatment protocol parameters: skin site, needling device, sessions, topical product, lesion
 * and the reference levels of the outcome observables. Values follow the microneedling sections
 * (c2, c3, d, e) of the shared model reference; docs/model.md, "Needles, sessions and
 * observables", explains them.
 *
 * Every parameter is one row of the X-macro list of its section below, exactly as the model
 * parameters are in model/params.h: the row gives the struct field, the configuration type and
 * key (the unit is part of the name), the unit, the default as INI text, the allowed range, the
 * choice names, a one-sentence meaning and the source. The rows expand into the structs here,
 * the defaults (dermis_protocol_defaults), the configuration schema (io/schema_protocol.c) and
 * the parameter docs (docs/parameters.md, generated from the schema). Adding a protocol
 * parameter is one row. Only the session list ([treatment] session_days) and the per-session
 * sections ([session.N]) have a shape no row expresses and are written out by hand.
 *
 * Columns: X(field, type, key, unit, default, min, max, min_exclusive, choices, doc, source)
 *   type     NUMBER (double), INTEGER (long), BOOLEAN (int 0/1) or ENUM (int, index into choices)
 *   default  INI text; NULL = unset: NaN for a NUMBER, -1 for an ENUM, which always mean "use the
 *            site preset, the device value or the derived value"
 *   min, max inclusive bounds (0, 0 = none); min_exclusive 1: value must be > min
 */
#ifndef DERMIS_MODEL_PROTOCOL_H
#define DERMIS_MODEL_PROTOCOL_H

#include <stddef.h>

#define DERMIS_MAX_SESSIONS 32

/* clang-format off */
#define DERMIS_PROTOCOL_SKIN(X) \
    X(site, ENUM, "skin.site", "", "face_cheek", 0, 0, 0, dermis_site_names, \
      "Anatomical site whose layer thicknesses are used (each overridable below).", \
      "Egawa 2007 (SC), Chopra 2015 and 50 MHz US (face), Xu 2017 (epidermis); see docs/model.md") \
    X(stratum_corneum_mm, NUMBER, "skin.stratum_corneum_mm", "mm", NULL, 0, 1, 1, NULL, \
      "Stratum corneum thickness; unset uses the site preset.", \
      "Egawa 2007 Raman: cheek 16.8 um, back of hand 29.3 um, forearm 22.6 um") \
    X(epidermis_mm, NUMBER, "skin.epidermis_mm", "mm", NULL, 0, 1, 1, NULL, \
      "Viable epidermis thickness; unset uses the site preset.", \
      "Chopra 2015: face 29.6-62.6 um; Xu 2017: 99.75 um mean over sites") \
    X(papillary_dermis_mm, NUMBER, "skin.papillary_dermis_mm", "mm", NULL, 0, 2, 1, NULL, \
      "Papillary dermis thickness; unset uses the site preset (15 % of the dermis, at most 0.3 mm).", \
      "assumption: 0.1-0.2 of the dermis; Sorrell & Caplan 2004 papillary fibroblasts within 0.3 mm") \
    X(reticular_dermis_mm, NUMBER, "skin.reticular_dermis_mm", "mm", NULL, 0, 10, 1, NULL, \
      "Reticular dermis thickness; unset uses the site preset.", \
      "dermis minus papillary dermis; dermis from 50 MHz US (face) or stated assumptions") \
    X(capillary_depth_mm, NUMBER, "skin.capillary_depth_mm", "mm", NULL, 0, 10, 1, NULL, \
      "Depth of the papillary capillary loops below the surface; channels reaching it bleed. Unset: 0.075 mm below the top of the papillary dermis.", \
      "Braverman & Yen 1977: loops in the papillae, 50-100 um below the epidermis")

#define DERMIS_PROTOCOL_DEVICE(X) \
    X(type, ENUM, "device.type", "", "dermapen", 0, 0, 0, dermis_device_names, \
      "Needling device: dermaroller (drum), dermapen (oscillating cartridge) or channels (explicit density).", \
      "model reference d") \
    X(depth_mm, NUMBER, "device.depth_mm", "mm", "1.5", 0, 3.5, 1, NULL, \
      "Nominal needle length (roller) or depth setting (pen); the channel depth is this x penetration fraction.", \
      "Harris 2015: median 1.5 mm needle for acne scars; pens 0.25-3.5 mm") \
    X(needle_diameter_mm, NUMBER, "device.needle_diameter_mm", "mm", "0.07", 0.005, 0.5, 0, NULL, \
      "Diameter of the channel a needle leaves at the surface (tissue recoil makes it narrower than the needle).", \
      "Kalluri 2011: 70.7 um channels under a 770 um Dermaroller (140 um needle base)") \
    X(tip, ENUM, "device.tip_shape", "", "cone", 0, 0, 0, dermis_tip_names, \
      "Channel shape: cone (narrowing to the tip) or cylinder.", \
      "Kalluri 2011 histology: conical channels; Han & Das 2015: shapes vary") \
    X(penetration_fraction, NUMBER, "device.penetration_fraction", "1", "0.5", 0, 1, 1, NULL, \
      "Effective channel depth as a fraction of the nominal depth (literature 0.2-0.8).", \
      "Kalluri 2011: ~0.2 (rat, roller); Donnelly 2011: ~0.77 (human, single MN); default mid-range") \
    X(crush_width_mm, NUMBER, "device.crush_width_mm", "mm", "0.015", 0, 0.2, 0, NULL, \
      "Width of the crushed, partly injured rim around each channel wall.", \
      "assumption: about one cell diameter (10-20 um) of compressed tissue") \
    X(crush_damage, NUMBER, "device.crush_damage", "1", "0.3", 0, 1, 0, NULL, \
      "Injured fraction in the crushed rim (the channel core is fully injured).", \
      "assumption") \
    X(placement, ENUM, "device.placement", "", "random", 0, 0, 0, dermis_placement_names, \
      "Channel positions: random (Poisson, seeded per session), pattern (the device lattice per pass) or stratified (the expected count, jittered Latin-hypercube positions).", \
      "numerical choice") \
    X(roller_needles, INTEGER, "device.roller_needles", "1", "192", 1, 2000, 0, NULL, \
      "Needles on the roller drum.", \
      "Schwarz & Laaff 2011: Dermaroller MF8, 192 needles") \
    X(roller_rows, INTEGER, "device.roller_rows", "1", "8", 1, 200, 0, NULL, \
      "Needle rows around the drum (pattern placement).", \
      "Schwarz & Laaff 2011: 8 rows of 24") \
    X(roller_drum_diameter_mm, NUMBER, "device.roller_drum_diameter_mm", "mm", "20", 1, 100, 0, NULL, \
      "Drum diameter; one revolution covers pi x diameter x width.", \
      "Schwarz & Laaff 2011: 2 cm drum") \
    X(roller_drum_width_mm, NUMBER, "device.roller_drum_width_mm", "mm", "20", 1, 100, 0, NULL, \
      "Drum width along its axis.", \
      "Schwarz & Laaff 2011: 2 cm drum") \
    X(roller_passes, INTEGER, "device.roller_passes", "1", "15", 1, 100, 0, NULL, \
      "Roller passes per session (192 needles x 15 passes = 229 channels per cm^2).", \
      "Fernandes: ~250 cm^-2 after 15 passes; clinical 16-40 passes") \
    X(pen_needles, INTEGER, "device.pen_needles", "1", "12", 1, 100, 0, NULL, \
      "Needles per pen cartridge.", \
      "Dermapen/SkinPen: 11-12 needles; cartridges 9-36") \
    X(pen_frequency_hz, NUMBER, "device.pen_frequency_hz", "Hz", "100", 1, 500, 0, NULL, \
      "Pen oscillation frequency.", \
      "Dermapen up to 90-110 Hz; SkinPen 50-83 Hz") \
    X(pen_glide_speed_mm_per_s, NUMBER, "device.pen_glide_speed_mm_per_s", "mm s-1", "20", 0.1, 500, 0, NULL, \
      "Speed at which the pen is glided over the skin.", \
      "model reference d (D): ~2 cm/s") \
    X(pen_path_width_mm, NUMBER, "device.pen_path_width_mm", "mm", "5", 0.5, 50, 0, NULL, \
      "Width of the strip one pass of the pen treats.", \
      "model reference d (D): ~0.5 cm") \
    X(pen_passes, INTEGER, "device.pen_passes", "1", "2", 1, 50, 0, NULL, \
      "Pen passes per session (12 needles x 100 Hz / (20 mm/s x 5 mm) = 1200 channels per cm^2 per pass).", \
      "clinical practice: pens from 2 up to 10-20 passes (model reference d)") \
    X(channels_per_cm2, NUMBER, "device.channels_per_cm2", "cm-2", "250", 0, 20000, 1, NULL, \
      "Channel density per session for device.type = channels.", \
      "model reference b6: 50-2500 cm^-2, 250 for a roller")

#define DERMIS_PROTOCOL_TREATMENT(X) \
    X(session_count, INTEGER, "treatment.session_count", "1", "0", 0, DERMIS_MAX_SESSIONS, 0, NULL, \
      "Alternative to session_days: number of sessions at session_interval_days from first_session_day.", \
      "clinical series (Harris 2015): median 3 treatments") \
    X(session_interval_days, NUMBER, "treatment.session_interval_days", "day", NULL, 0, 3650, 1, NULL, \
      "Days between sessions when session_count is used.", \
      "clinical protocols 14-42 days, median 28 (Harris 2015)") \
    X(first_session_day, NUMBER, "treatment.first_session_day", "day", "0", 0, 3650, 0, NULL, \
      "Day of the first session when session_count is used.", \
      "numerical choice") \
    X(occlusion, BOOLEAN, "treatment.occlusion", "", "false", 0, 0, 0, NULL, \
      "Occlusive post-care (mask, occlusive serum): channels reseal with the occluded half-life.", \
      "Gupta 2011, Kalluri 2011: occlusion delays resealing") \
    X(reseal_half_life_h, NUMBER, "treatment.reseal_half_life_h", "h", "1", 0.01, 200, 0, NULL, \
      "Half-life of channel openness without occlusion.", \
      "Gupta 2011: unoccluded human sites recovered within 2 h (so <= 1 h); Kalluri 2011 rat TEWL 4-5 h") \
    X(reseal_half_life_occluded_h, NUMBER, "treatment.reseal_half_life_occluded_h", "h", "23", 0.01, 500, 0, NULL, \
      "Half-life of channel openness under occlusion.", \
      "PMC8259462: micropore closure half-life 20-26 h; Gupta 2011: 3-40 h occluded")

#define DERMIS_PROTOCOL_TOPICAL(X) \
    X(applied, BOOLEAN, "topical.applied", "", "false", 0, 0, 0, NULL, \
      "Apply a product after every session (and, as a control, to untreated skin: field topical_intact).", \
      "protocol choice") \
    X(concentration_ng_per_ml, NUMBER, "topical.concentration_ng_per_ml", "ng mL-1", "1000", 0, 1e9, 0, NULL, \
      "Concentration of the product on the skin (delivery is linear in it).", \
      "numerical choice") \
    X(molecule, ENUM, "topical.molecule", "", "peptide", 0, 0, 0, dermis_molecule_names, \
      "Size class setting the diffusivity in tissue: small (0.4 kDa) 1.15, peptide (3 kDa) 0.59, protein (25 kDa) 0.29 mm^2/day.", \
      "TGF-beta 0.012 mm^2/h (Murphy 2012, reference b6) scaled by Stokes-Einstein M^(-1/3)") \
    X(diffusivity_mm2_per_day, NUMBER, "topical.diffusivity_mm2_per_day", "mm2 day-1", NULL, 0, 1000, 1, NULL, \
      "Diffusivity of the product in tissue; unset uses topical.molecule.", \
      "user value") \
    X(start_h, NUMBER, "topical.start_h", "h", "0", 0, 2000, 0, NULL, \
      "Start of the application, hours after each session.", \
      "protocol choice: right after needling") \
    X(end_h, NUMBER, "topical.end_h", "h", "12", 0, 2000, 1, NULL, \
      "End of the application (product removed), hours after each session.", \
      "protocol choice: left on overnight") \
    X(permeability_intact_cm_per_h, NUMBER, "topical.permeability_intact_cm_per_h", "cm h-1", "1e-6", 0, 1, 0, NULL, \
      "Permeability coefficient of intact stratum corneum for the product.", \
      "Potts & Guy 1992 estimate for a hydrophilic 500 Da molecule (~1e-6 cm/h)") \
    X(clearance_per_day, NUMBER, "topical.clearance_per_day", "day-1", "2", 0, 1000, 0, NULL, \
      "First-order loss of the product in viable skin (uptake by vessels, degradation).", \
      "assumption: half-life ~8 h")

#define DERMIS_PROTOCOL_LESION(X) \
    X(type, ENUM, "lesion.type", "", "none", 0, 0, 0, dermis_lesion_names, \
      "Pre-existing lesion: atrophic acne scar (ice_pick, boxcar, rolling) or stretch_mark.", \
      "Jacob 2001 scar classification; striae: thinned dermis, less collagen and elastin") \
    X(centre_x_mm, NUMBER, "lesion.centre_x_mm", "mm", NULL, 0, 100, 0, NULL, \
      "Lesion centre along x; unset = domain centre.", \
      "numerical choice") \
    X(centre_y_mm, NUMBER, "lesion.centre_y_mm", "mm", NULL, 0, 100, 0, NULL, \
      "Lesion centre along y (3-D); unset = domain centre.", \
      "numerical choice") \
    X(width_mm, NUMBER, "lesion.width_mm", "mm", "1", 0, 100, 1, NULL, \
      "Lesion width (diameter of a scar, width of a stretch-mark band).", \
      "Jacob 2001: ice pick < 2 mm, boxcar 1.5-4 mm, rolling 4-5 mm") \
    X(depth_mm, NUMBER, "lesion.depth_mm", "mm", "0.5", 0, 10, 1, NULL, \
      "Depth of the collagen deficit below the top of the papillary dermis (scars).", \
      "Jacob 2001: boxcar 0.1-0.5 mm shallow or >= 0.5 mm deep; ice pick to deep dermis") \
    X(severity, NUMBER, "lesion.severity", "1", "0.5", 0, 0.95, 0, NULL, \
      "Fraction of the local collagen (and, for stretch marks, elastin) missing at the lesion's core.", \
      "assumption") \
    X(dermal_thinning_fraction, NUMBER, "lesion.dermal_thinning_fraction", "1", "0.3", 0, 0.9, 0, NULL, \
      "Stretch marks: fraction of the reticular dermis replaced by subcutis under the band.", \
      "assumption: striae show a thinned dermis")

#define DERMIS_PROTOCOL_OUTCOME(X) \
    X(inflammation_reference_per_mm3, NUMBER, "outcome.inflammation_reference_per_mm3", "mm-3", "3000", 0, 1e7, 1, NULL, \
      "Inflammatory-cell density (neutrophils + non-repair macrophages, above baseline, dermis mean) that gives inflammation_index = 1.", \
      "assumption: the resident fibroblast density F0 (model reference b6)") \
    X(vasodilation_half_saturation_ng_per_ml, NUMBER, "outcome.vasodilation_half_saturation_ng_per_ml", "ng mL-1", "2", 0, 1e4, 1, NULL, \
      "Alarmin level giving half-maximal dilation of the dermal vessels (the erythema_index).", \
      "assumption: equal to species.alarmins.half_saturation_ng_per_ml (one endothelial activation by the early danger signals dilates vessels and recruits leukocytes; Sjogren & Anderson 2009)") \
    X(erythema_threshold_mm, NUMBER, "outcome.erythema_threshold_mm", "mm", "0.03", 0, 10, 1, NULL, \
      "erythema_index (dilated vascular dermis per skin area) below which redness is no longer visible: the end of downtime_days.", \
      "calibrated: erythema 24-48 h after a 1.5 mm pen session (Harris 2015); shorter for shorter needles (Bal 2008, Hackethal 2021)") \
    X(stiffness_collagen_weight, NUMBER, "outcome.stiffness_collagen_weight", "1", "0.8", 0, 1, 0, NULL, \
      "Weight of collagen I (the rest: elastin) in the relative dermal stiffness proxy.", \
      "assumption: collagen carries most of the load, elastin the low-strain response (Buganza Tepole & Kuhl)")

/* clang-format on */

/* The C type of each configuration type of a row. */
#define DERMIS_PROTOCOL_CTYPE_NUMBER double
#define DERMIS_PROTOCOL_CTYPE_INTEGER long
#define DERMIS_PROTOCOL_CTYPE_BOOLEAN int
#define DERMIS_PROTOCOL_CTYPE_ENUM int
#define DERMIS_PROTOCOL_FIELD(field, type, ...) DERMIS_PROTOCOL_CTYPE_##type field;

/* Choice lists. The enum order is the order of the schema's choice names. The device types
 * (dermis_device_type) are generated from the rows of DERMIS_DEVICES in model/device.h. */
typedef enum {
    DERMIS_SITE_FACE_CHEEK = 0,
    DERMIS_SITE_FOREHEAD,
    DERMIS_SITE_NECK,
    DERMIS_SITE_HAND_DORSUM,
    DERMIS_SITE_ABDOMEN,
    DERMIS_SITE_BACK,
    DERMIS_N_SITES
} dermis_site;

typedef enum { DERMIS_TIP_CONE = 0, DERMIS_TIP_CYLINDER, DERMIS_N_TIPS } dermis_tip_shape;
typedef enum { DERMIS_PLACEMENT_RANDOM = 0, DERMIS_PLACEMENT_PATTERN, DERMIS_PLACEMENT_STRATIFIED, DERMIS_N_PLACEMENTS } dermis_placement;
typedef enum {
    DERMIS_MOLECULE_SMALL = 0,
    DERMIS_MOLECULE_PEPTIDE,
    DERMIS_MOLECULE_PROTEIN,
    DERMIS_N_MOLECULES
} dermis_molecule_class;
typedef enum {
    DERMIS_LESION_NONE = 0,
    DERMIS_LESION_ICE_PICK,     /* narrow, deep, V-shaped atrophic acne scar */
    DERMIS_LESION_BOXCAR,       /* wide, flat-bottomed, steep-walled atrophic scar */
    DERMIS_LESION_ROLLING,      /* wide, shallow, sloped atrophic scar */
    DERMIS_LESION_STRETCH_MARK, /* band of thinned dermis with less collagen and elastin */
    DERMIS_N_LESIONS
} dermis_lesion_type;

/* [skin] */
typedef struct {
    DERMIS_PROTOCOL_SKIN(DERMIS_PROTOCOL_FIELD)
} dermis_skin_params;

/* [device] */
typedef struct {
    DERMIS_PROTOCOL_DEVICE(DERMIS_PROTOCOL_FIELD)
} dermis_device_params;

/* [treatment] */
typedef struct {
    double session_days[DERMIS_MAX_SESSIONS]; /* explicit session times; count 0 = see session_count */
    size_t n_session_days;
    DERMIS_PROTOCOL_TREATMENT(DERMIS_PROTOCOL_FIELD)
} dermis_treatment_params;

/* [session.N]: per-session overrides (index N-1). */
typedef struct {
    int device;      /* dermis_device_type (model/device.h), -1 = [device] type */
    double depth_mm; /* NaN = device.depth_mm */
} dermis_session_override;

/* [topical] */
typedef struct {
    DERMIS_PROTOCOL_TOPICAL(DERMIS_PROTOCOL_FIELD)
} dermis_topical_params;

/* [lesion] */
typedef struct {
    DERMIS_PROTOCOL_LESION(DERMIS_PROTOCOL_FIELD)
} dermis_lesion_params;

/* [outcome]: reference levels of the observables. */
typedef struct {
    DERMIS_PROTOCOL_OUTCOME(DERMIS_PROTOCOL_FIELD)
} dermis_outcome_params;

typedef struct {
    dermis_skin_params skin;
    dermis_device_params device;
    dermis_treatment_params treatment;
    dermis_session_override session[DERMIS_MAX_SESSIONS];
    dermis_topical_params topical;
    dermis_lesion_params lesion;
    dermis_outcome_params outcome;
} dermis_protocol_params;

/* Choice names (NULL-terminated), in enum order; used by the schema and for messages. */
extern const char *const dermis_site_names[];
extern const char *const dermis_device_names[]; /* model/device.c, from DERMIS_DEVICES */
extern const char *const dermis_tip_names[];
extern const char *const dermis_placement_names[];
extern const char *const dermis_molecule_names[];
extern const char *const dermis_lesion_names[];

/* The schema defaults as a struct (for tests and library users without the config parser). */
void dermis_protocol_defaults(dermis_protocol_params *p);

/* What the protocol checks need to know of the run: the domain's extents (width only in 2-D and
 * 3-D, length only in 3-D) and the simulated time. */
typedef struct {
    int dims;
    double depth_mm;
    double width_mm;
    double length_mm;
    double t_end_days;
} dermis_protocol_domain;

/* A problem found by a check: the key at fault ("session.3.depth_mm") and one sentence that
 * names every key involved with its value, so it reads right whichever of them the user set. */
typedef struct {
    char key[64];
    char reason[320];
} dermis_protocol_problem;

/* Cross-key checks that single-key ranges cannot express: both treatment.session_days and
 * treatment.session_count given; a count without an interval; unsorted session days; a session
 * after the end of the run; topical window; an effective needle depth (session's or device's)
 * below the simulated domain; a lesion centre outside the domain. Returns 0, or -1 with the
 * problem filled in. */
int dermis_protocol_validate(const dermis_protocol_params *p, const dermis_protocol_domain *domain,
                             dermis_protocol_problem *problem);

/* dermis_protocol_validate for a domain known only by its depth (no end time, no lateral
 * extent), with the problem written as "key: reason" into msg. Returns 0 or -1. */
int dermis_protocol_check(const dermis_protocol_params *p, double domain_depth_mm, char *msg, size_t msg_len);

/* Session arithmetic shared by the checks and the session table (k is 0-based, < count). */
size_t dermis_protocol_session_count(const dermis_treatment_params *t);
double dermis_protocol_session_day(const dermis_treatment_params *t, size_t k);
int dermis_protocol_session_device(const dermis_protocol_params *p, size_t k);      /* dermis_device_type */
double dermis_protocol_session_depth_mm(const dermis_protocol_params *p, size_t k); /* nominal, mm */

#endif
