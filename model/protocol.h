/* Treatment protocol parameters: skin site, needling device, sessions, topical product and
 * lesion. Every field is a configuration key of io/schema_protocol.c (key = section.field; the
 * unit is part of the name) and is documented in docs/model.md, "Needles, sessions and
 * observables". Values follow the microneedling sections (c2, c3, d, e) of the shared model
 * reference.
 *
 * "Unset" conventions (io/schema.h): a NUMBER without default is NaN, an ENUM is -1, a LIST has
 * count 0. Here NaN / -1 always mean "use the preset or the shared value".
 */
#ifndef DERMIS_MODEL_PROTOCOL_H
#define DERMIS_MODEL_PROTOCOL_H

#include <stddef.h>

#define DERMIS_MAX_SESSIONS 32

/* Numeric defaults, defined once: the schema (io/schema_protocol.c) turns them into its default
 * text with DERMIS_PROTOCOL_STR, and dermis_protocol_defaults() uses them directly. Sources are in
 * the schema entries and docs/model.md. */
#define DERMIS_PROTOCOL_XSTR(x) #x
#define DERMIS_PROTOCOL_STR(x) DERMIS_PROTOCOL_XSTR(x)
#define DERMIS_DEF_DEVICE_DEPTH_MM 1.5
#define DERMIS_DEF_NEEDLE_DIAMETER_MM 0.07
#define DERMIS_DEF_PENETRATION_FRACTION 0.5
#define DERMIS_DEF_CRUSH_WIDTH_MM 0.015
#define DERMIS_DEF_CRUSH_DAMAGE 0.3
#define DERMIS_DEF_ROLLER_NEEDLES 192
#define DERMIS_DEF_ROLLER_ROWS 8
#define DERMIS_DEF_ROLLER_DRUM_DIAMETER_MM 20
#define DERMIS_DEF_ROLLER_DRUM_WIDTH_MM 20
#define DERMIS_DEF_ROLLER_PASSES 15
#define DERMIS_DEF_PEN_NEEDLES 12
#define DERMIS_DEF_PEN_FREQUENCY_HZ 100
#define DERMIS_DEF_PEN_GLIDE_SPEED_MM_PER_S 20
#define DERMIS_DEF_PEN_PATH_WIDTH_MM 5
#define DERMIS_DEF_PEN_PASSES 2
#define DERMIS_DEF_CHANNELS_PER_CM2 250
#define DERMIS_DEF_FIRST_SESSION_DAY 0
#define DERMIS_DEF_RESEAL_HALF_LIFE_H 1
#define DERMIS_DEF_RESEAL_HALF_LIFE_OCCLUDED_H 23
#define DERMIS_DEF_TOPICAL_CONCENTRATION_NG_PER_ML 1000
#define DERMIS_DEF_TOPICAL_START_H 0
#define DERMIS_DEF_TOPICAL_END_H 12
#define DERMIS_DEF_TOPICAL_PERMEABILITY_CM_PER_H 1e-6
#define DERMIS_DEF_TOPICAL_CLEARANCE_PER_DAY 2
#define DERMIS_DEF_LESION_WIDTH_MM 1
#define DERMIS_DEF_LESION_DEPTH_MM 0.5
#define DERMIS_DEF_LESION_SEVERITY 0.5
#define DERMIS_DEF_LESION_THINNING 0.3
#define DERMIS_DEF_INFLAMMATION_REFERENCE_PER_MM3 3000
#define DERMIS_DEF_DOWNTIME_THRESHOLD 0.02
#define DERMIS_DEF_STIFFNESS_COLLAGEN_WEIGHT 0.8

/* Choice lists. The enum order is the order of the schema's choice names. */
typedef enum {
    DERMIS_SITE_FACE_CHEEK = 0,
    DERMIS_SITE_FOREHEAD,
    DERMIS_SITE_NECK,
    DERMIS_SITE_HAND_DORSUM,
    DERMIS_SITE_ABDOMEN,
    DERMIS_SITE_BACK,
    DERMIS_N_SITES
} dermis_site;

typedef enum {
    DERMIS_DEVICE_DERMAROLLER = 0, /* drum with rows of needles rolled over the skin */
    DERMIS_DEVICE_DERMAPEN,        /* oscillating needle cartridge glided over the skin */
    DERMIS_DEVICE_CHANNELS,        /* explicit channel density, no device kinematics */
    DERMIS_N_DEVICES
} dermis_device_type;

typedef enum { DERMIS_TIP_CONE = 0, DERMIS_TIP_CYLINDER, DERMIS_N_TIPS } dermis_tip_shape;
typedef enum { DERMIS_PLACEMENT_RANDOM = 0, DERMIS_PLACEMENT_PATTERN, DERMIS_N_PLACEMENTS } dermis_placement;
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
    int site;                   /* dermis_site */
    double stratum_corneum_mm;  /* NaN = site preset */
    double epidermis_mm;        /* viable epidermis; NaN = site preset */
    double papillary_dermis_mm; /* NaN = site preset */
    double reticular_dermis_mm; /* NaN = site preset */
    double capillary_depth_mm;  /* depth of the capillary loops below the surface; NaN = derived */
} dermis_skin_params;

/* [device] */
typedef struct {
    int type;                    /* dermis_device_type */
    double depth_mm;             /* nominal needle length / pen depth setting */
    double needle_diameter_mm;   /* channel diameter at the surface */
    int tip;                     /* dermis_tip_shape */
    double penetration_fraction; /* effective depth / nominal depth */
    double crush_width_mm;       /* width of the crushed rim around each channel */
    double crush_damage;         /* damage level in the crushed rim (channel core = 1) */
    int placement;               /* dermis_placement */
    /* dermaroller */
    long roller_needles;
    long roller_rows;
    double roller_drum_diameter_mm;
    double roller_drum_width_mm;
    long roller_passes;
    /* dermapen */
    long pen_needles;
    double pen_frequency_hz;
    double pen_glide_speed_mm_per_s;
    double pen_path_width_mm;
    long pen_passes;
    /* explicit channels */
    double channels_per_cm2;
} dermis_device_params;

/* [treatment] */
typedef struct {
    double session_days[DERMIS_MAX_SESSIONS]; /* explicit session times; count 0 = see below */
    size_t n_session_days;
    long session_count;           /* alternative: count (0 = not given) ... */
    double session_interval_days; /* ... spacing (NaN = not given) ... */
    double first_session_day;     /* ... and first day */
    int occlusion;                /* 1: occlusive post-care (slows barrier resealing) */
    double reseal_half_life_h;    /* barrier openness half-life without occlusion */
    double reseal_half_life_occluded_h;
} dermis_treatment_params;

/* [session.N]: per-session overrides (index N-1). */
typedef struct {
    int device;      /* dermis_device_type, -1 = [device] type */
    double depth_mm; /* NaN = device.depth_mm */
} dermis_session_override;

/* [topical] */
typedef struct {
    int applied;                    /* 1: a product is applied after every session */
    double concentration_ng_per_ml; /* applied concentration */
    int molecule;                   /* dermis_molecule_class: sets the diffusivity */
    double diffusivity_mm2_per_day; /* NaN = from the molecule class */
    double start_h;                 /* application window relative to each session */
    double end_h;
    double permeability_intact_cm_per_h; /* intact stratum corneum */
    double clearance_per_day;            /* first-order loss in viable skin (uptake by vessels) */
} dermis_topical_params;

/* [lesion] */
typedef struct {
    int type;           /* dermis_lesion_type */
    double centre_x_mm; /* NaN = centre of the domain */
    double centre_y_mm; /* NaN = centre of the domain */
    double width_mm;
    double depth_mm;                 /* depth of the collagen deficit below the dermal surface */
    double severity;                 /* fraction of local collagen missing at the deficit's core */
    double dermal_thinning_fraction; /* stretch marks: fraction of the dermis lost */
} dermis_lesion_params;

/* [outcome]: reference levels of the observables. */
typedef struct {
    double inflammation_reference_per_mm3; /* inflammatory-cell density for index 1 */
    double downtime_threshold;             /* inflammation_index below which downtime ends */
    double stiffness_collagen_weight;      /* weight of collagen I in the stiffness proxy */
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
extern const char *const dermis_device_names[];
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
