import type { PreviewError } from '../../core/preview/run';
import { CodeProblems, type CodeProblem } from '../common/codeProblems';

/** The Problems panel's entries of Preview Change: the edited code's error at its file and line. */
export class PreviewProblems extends CodeProblems {
  constructor() {
    super('etlSpark.preview', 'ETL: Preview Change');
  }

  problemOf(error: PreviewError): CodeProblem {
    return { message: firstLine(error), file: error.file, line: error.line };
  }
}

/** The message without its `file:line: ` prefix (the Problems panel shows the place). */
const firstLine = (error: PreviewError) =>
  error.message.replace(`${error.file}:${error.line}: `, '').split('\n')[0];
