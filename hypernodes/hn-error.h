/* hn-error.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include <glib-object.h>

#include "hn-version-macros.h"

G_BEGIN_DECLS

/**
 * HN_PIPELINE_ERROR:
 *
 * Error domain for problems with how a pipeline is built or called. Errors in this domain are
 * from the [error@PipelineError] enumeration.
 */
#define HN_PIPELINE_ERROR (hn_pipeline_error_quark ())

/**
 * HnPipelineError:
 * @HN_PIPELINE_ERROR_CYCLE: the nodes form a cycle
 * @HN_PIPELINE_ERROR_DUPLICATE_OUTPUT: two nodes produce the same output name
 * @HN_PIPELINE_ERROR_DUPLICATE_NODE: the same node is given twice (nodes may share a name)
 * @HN_PIPELINE_ERROR_INVALID_NODE: a node is not well formed (no name, a port named twice, an
 *   invalid port type, ...)
 * @HN_PIPELINE_ERROR_MISSING_INPUT: a run lacks inputs that the requested outputs need
 * @HN_PIPELINE_ERROR_UNKNOWN_OUTPUT: a requested output is not produced by any node
 * @HN_PIPELINE_ERROR_UNKNOWN_INPUT: a name given as a mapped input is not an input of the pipeline
 * @HN_PIPELINE_ERROR_TYPE_MISMATCH: connected ports have incompatible types, or a value does not
 *   have the type of its port
 * @HN_PIPELINE_ERROR_INVALID_INPUTS: the inputs are not an `a{sv}` dictionary, or the items of a
 *   map are not an array of them
 * @HN_PIPELINE_ERROR_MAP_NOT_ARRAY: a mapped input is not an array
 * @HN_PIPELINE_ERROR_MAP_LENGTH_MISMATCH: mapped inputs of a zip map have different lengths
 *
 * Errors about how a pipeline is built or called.
 */
typedef enum
{
  HN_PIPELINE_ERROR_CYCLE,
  HN_PIPELINE_ERROR_DUPLICATE_OUTPUT,
  HN_PIPELINE_ERROR_DUPLICATE_NODE,
  HN_PIPELINE_ERROR_INVALID_NODE,
  HN_PIPELINE_ERROR_MISSING_INPUT,
  HN_PIPELINE_ERROR_UNKNOWN_OUTPUT,
  HN_PIPELINE_ERROR_UNKNOWN_INPUT,
  HN_PIPELINE_ERROR_TYPE_MISMATCH,
  HN_PIPELINE_ERROR_INVALID_INPUTS,
  HN_PIPELINE_ERROR_MAP_NOT_ARRAY,
  HN_PIPELINE_ERROR_MAP_LENGTH_MISMATCH,
} HnPipelineError;

/**
 * HN_NODE_ERROR:
 *
 * Error domain for failures of a node while it runs. Errors in this domain are from the
 * [error@NodeError] enumeration.
 */
#define HN_NODE_ERROR (hn_node_error_quark ())

/**
 * HnNodeError:
 * @HN_NODE_ERROR_FAILED: the node reported an error; the message names the node (and the item of
 *   a map) and carries the node's own message
 * @HN_NODE_ERROR_INVALID_RESULT: the node returned no value, a value of the wrong type, or a
 *   tuple with the wrong number of members for its outputs
 * @HN_NODE_ERROR_TIMEOUT: the run took longer than the timeout of its [class@RuntimeConfig];
 *   the message names the node that was running
 *
 * Errors about a node that failed while it ran.
 */
typedef enum
{
  HN_NODE_ERROR_FAILED,
  HN_NODE_ERROR_INVALID_RESULT,
  HN_NODE_ERROR_TIMEOUT,
} HnNodeError;

/**
 * HN_EXECUTOR_ERROR:
 *
 * Error domain for problems of an executor itself, as opposed to the pipeline or a node. Errors
 * in this domain are from the [error@ExecutorError] enumeration.
 */
#define HN_EXECUTOR_ERROR (hn_executor_error_quark ())

/**
 * HnExecutorError:
 * @HN_EXECUTOR_ERROR_ENGINE_MISSING: the engine, Python, or the Python bridge of this library is
 *   not installed; the message says what to install
 * @HN_EXECUTOR_ERROR_NOT_SHIPPABLE: a node cannot be sent to another process (a C node that is
 *   not from a [class@Module], for instance); the message names it
 * @HN_EXECUTOR_ERROR_ENGINE_FAILED: the engine failed for a reason of its own (a cluster that
 *   cannot be reached, a worker that died)
 * @HN_EXECUTOR_ERROR_RUNNER_CONFLICT: the engine already runs with another runner in this
 *   process and cannot switch
 * @HN_EXECUTOR_ERROR_INVALID_CONFIG: an executor setting is invalid, such as an unknown runner name
 *
 * Errors about an executor.
 */
typedef enum
{
  HN_EXECUTOR_ERROR_ENGINE_MISSING,
  HN_EXECUTOR_ERROR_NOT_SHIPPABLE,
  HN_EXECUTOR_ERROR_ENGINE_FAILED,
  HN_EXECUTOR_ERROR_RUNNER_CONFLICT,
  HN_EXECUTOR_ERROR_INVALID_CONFIG,
} HnExecutorError;

/**
 * HnMapMode:
 * @HN_MAP_MODE_ZIP: item `i` takes element `i` of every mapped input; all must have the same length
 * @HN_MAP_MODE_PRODUCT: one item for every combination of elements of the mapped inputs, the last
 *   mapped input varying fastest
 *
 * How the mapped inputs of [method@Pipeline.map] are combined into items.
 */
typedef enum
{
  HN_MAP_MODE_ZIP,
  HN_MAP_MODE_PRODUCT,
} HnMapMode;

#define HN_TYPE_PIPELINE_ERROR (hn_pipeline_error_get_type ())
#define HN_TYPE_NODE_ERROR (hn_node_error_get_type ())
#define HN_TYPE_EXECUTOR_ERROR (hn_executor_error_get_type ())
#define HN_TYPE_MAP_MODE (hn_map_mode_get_type ())

HN_AVAILABLE_IN_ALL
GQuark hn_pipeline_error_quark    (void);
HN_AVAILABLE_IN_ALL
GType  hn_pipeline_error_get_type (void) G_GNUC_CONST;
HN_AVAILABLE_IN_ALL
GQuark hn_node_error_quark        (void);
HN_AVAILABLE_IN_ALL
GType  hn_node_error_get_type     (void) G_GNUC_CONST;
HN_AVAILABLE_IN_ALL
const GError *hn_node_error_get_cause (const GError *error);
HN_AVAILABLE_IN_ALL
GQuark hn_executor_error_quark    (void);
HN_AVAILABLE_IN_ALL
GType  hn_executor_error_get_type (void) G_GNUC_CONST;
HN_AVAILABLE_IN_ALL
GType  hn_map_mode_get_type       (void) G_GNUC_CONST;

G_END_DECLS
