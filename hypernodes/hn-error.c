/* hn-error.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-error.h"

/**
 * hn_pipeline_error_quark:
 *
 * Gets the error domain of [error@PipelineError].
 *
 * Returns: the error domain
 */
G_DEFINE_QUARK (hn-pipeline-error-quark, hn_pipeline_error)
/**
 * hn_node_error_quark:
 *
 * Gets the error domain of [error@NodeError].
 *
 * Returns: the error domain
 */
G_DEFINE_QUARK (hn-node-error-quark, hn_node_error)
/**
 * hn_executor_error_quark:
 *
 * Gets the error domain of [error@ExecutorError].
 *
 * Returns: the error domain
 */
G_DEFINE_QUARK (hn-executor-error-quark, hn_executor_error)

G_DEFINE_ENUM_TYPE (HnPipelineError, hn_pipeline_error,
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_CYCLE, "cycle"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_DUPLICATE_OUTPUT, "duplicate-output"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_DUPLICATE_NODE, "duplicate-node"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_INVALID_NODE, "invalid-node"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_MISSING_INPUT, "missing-input"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_UNKNOWN_OUTPUT, "unknown-output"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_UNKNOWN_INPUT, "unknown-input"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_TYPE_MISMATCH, "type-mismatch"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_INVALID_INPUTS, "invalid-inputs"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_MAP_NOT_ARRAY, "map-not-array"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_MAP_LENGTH_MISMATCH, "map-length-mismatch"))

G_DEFINE_ENUM_TYPE (HnNodeError, hn_node_error,
  G_DEFINE_ENUM_VALUE (HN_NODE_ERROR_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (HN_NODE_ERROR_INVALID_RESULT, "invalid-result"),
  G_DEFINE_ENUM_VALUE (HN_NODE_ERROR_TIMEOUT, "timeout"))

G_DEFINE_ENUM_TYPE (HnExecutorError, hn_executor_error,
  G_DEFINE_ENUM_VALUE (HN_EXECUTOR_ERROR_ENGINE_MISSING, "engine-missing"),
  G_DEFINE_ENUM_VALUE (HN_EXECUTOR_ERROR_NOT_SHIPPABLE, "not-shippable"),
  G_DEFINE_ENUM_VALUE (HN_EXECUTOR_ERROR_ENGINE_FAILED, "engine-failed"),
  G_DEFINE_ENUM_VALUE (HN_EXECUTOR_ERROR_RUNNER_CONFLICT, "runner-conflict"),
  G_DEFINE_ENUM_VALUE (HN_EXECUTOR_ERROR_INVALID_CONFIG, "invalid-config"))

G_DEFINE_ENUM_TYPE (HnMapMode, hn_map_mode,
  G_DEFINE_ENUM_VALUE (HN_MAP_MODE_ZIP, "zip"),
  G_DEFINE_ENUM_VALUE (HN_MAP_MODE_PRODUCT, "product"))
