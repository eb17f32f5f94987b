/* The run driver (see run.h). */
#include "app/run.h"
