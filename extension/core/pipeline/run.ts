import type { EtlConfig } from '../config';
import type { ExtractEvent } from '../extract/events';
import { runExtract, type ExtractRequest, type ExtractResult } from '../extract/run';
import { checkRunId } from '../runId';
import type { StackMode } from '../stack/backend';
import type { QualityReport } from '../transform/events';
import { runTransform, type TransformCallbacks, type TransformRequest } from '../transform/run';

/** The committed sample's months: a first pipeline run works offline. */
export const SAMPLE_MONTHS = '2024-01..2024-02';

/** One pipeline run: extract the months, then transform exactly that extraction run. */
export interface PipelineRequest {
  /** Default: SAMPLE_MONTHS from the committed sample. */
  months?: string;
  /** Default: the committed sample when `months` is not given, else the extractor's default (the TLC). */
  source?: ExtractRequest['source'];
  zones?: string;
  noZones?: boolean;
  /** Id of the extraction run (the transform run gets its own). */
  runId?: string;
  mode?: StackMode;
  env?: Record<string, string>;
}

/**
 * The steps the pipeline runs in order. Each resolves undefined when it stopped (cancelled, or
 * failed and already said so): the pipeline stops there. The CLI runs the core steps directly
 * (pipelineSteps); the extension runs its Start Stack, Extract and Transform commands.
 */
export interface PipelineSteps<Report> {
  startStack?: () => Promise<boolean>;
  extract: (request: ExtractRequest) => Promise<ExtractResult | undefined>;
  transform: (request: TransformRequest) => Promise<Report | undefined>;
}

export interface PipelineResult<Report> {
  extracted: ExtractResult;
  report: Report;
}

export function pipelineExtractRequest(request: PipelineRequest): ExtractRequest {
  const source = request.source ?? (request.months ? undefined : { sample: true as const });
  return {
    months: request.months ?? SAMPLE_MONTHS, source, zones: request.zones, noZones: request.noZones,
    runId: request.runId, mode: request.mode, env: request.env,
  };
}

/**
 * The transform of the run just extracted, not of every run in the manifest. Forced: a pipeline run always
 * ends in its own quality report, linked to its extraction (the unchanged-input skip is for `etl transform`).
 */
export function pipelineTransformRequest(request: PipelineRequest, extracted: ExtractResult): TransformRequest {
  return { run: extracted.runId, mode: request.mode, env: request.env, force: true };
}

/** Stack (when the steps start it), extract, then transform the extracted run. */
export async function runPipeline<Report>(
  request: PipelineRequest,
  steps: PipelineSteps<Report>,
): Promise<PipelineResult<Report> | undefined> {
  if (request.runId) checkRunId(request.runId, '--run-id'); // before the stack starts
  if (steps.startStack && !(await steps.startStack())) return undefined;
  const extracted = await steps.extract(pipelineExtractRequest(request));
  if (!extracted) return undefined;
  const report = await steps.transform(pipelineTransformRequest(request, extracted));
  return report === undefined ? undefined : { extracted, report };
}

/** The core steps: the extractor, then spark-submit (native venv or compose runner); errors reject. */
export function pipelineSteps(
  config: EtlConfig,
  callbacks: { onExtractEvent?: (event: ExtractEvent) => void; transform?: TransformCallbacks },
  signal?: AbortSignal,
): PipelineSteps<QualityReport> {
  return {
    extract: (request) => runExtract(config, request, callbacks.onExtractEvent, signal),
    transform: (request) => runTransform(config, request, callbacks.transform, signal),
  };
}
