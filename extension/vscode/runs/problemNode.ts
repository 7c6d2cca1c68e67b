import type { StackWait } from '../common/stackWait';
import { DetailNode } from './detailNode';

/** Why the Runs view lacks a source. When the stack explains it (down or starting), say so and offer Start Stack. */
export function problemNode(problem: string, index: number, wait: StackWait | undefined): DetailNode {
  const id = `runs:problem:${index}`;
  if (wait === 'stackDown') {
    const node = new DetailNode('The stack is down', 'click to start it and list the transforms', 'debug-start', id);
    node.tooltip = 'The quality reports live in the gold bucket, on MinIO. Start the stack to list the transforms.';
    node.command = { command: 'etlSpark.startStack', title: 'Start Stack' };
    return node;
  }
  if (wait === 'stackStarting') {
    const node = new DetailNode('The stack is starting', 'the transforms show once MinIO answers', 'loading~spin', id);
    node.tooltip = 'The Stack view follows each service; this view refreshes when the stack is up.';
    return node;
  }
  const node = new DetailNode(problem.split(' → ')[0], '', 'warning', id);
  node.tooltip = problem;
  node.command = { command: 'etlSpark.refresh', title: 'Retry' };
  return node;
}

/** A problem of reading gold (MinIO), as opposed to one of Airflow. */
export const isS3Problem = (problem: string): boolean => problem.startsWith('quality reports not read');
