import { describe, expect, it } from 'vitest';
import { nodeLabel, qualifiedOpType, walkGraphs, walkNodes } from '../../electron/core/onnx/walk.js';
import type { onnx } from '../../electron/core/onnx/generated/onnx.js';

const relu = (x: string, y: string): onnx.INodeProto => ({ op_type: 'Relu', input: [x], output: [y] });

describe('walkNodes', () => {
  it('visits nodes of nested subgraphs (If inside Loop) with their depth', () => {
    const inner: onnx.IGraphProto = { name: 'inner', node: [relu('a', 'b')] };
    const body: onnx.IGraphProto = {
      name: 'body',
      node: [relu('x', 'y'), { op_type: 'If', input: ['c'], output: ['z'], attribute: [{ name: 'then_branch', g: inner }, { name: 'else_branch', g: inner }] }],
    };
    const main: onnx.IGraphProto = {
      name: 'main',
      node: [{ op_type: 'Loop', input: ['n', 'c'], output: ['o'], attribute: [{ name: 'body', g: body }] }, relu('o', 'p')],
    };
    const visits = [...walkNodes(main)].map((v) => `${v.depth}:${v.node.op_type}`);
    expect(visits).toEqual(['0:Loop', '0:Relu', '1:Relu', '1:If', '2:Relu', '2:Relu']);
    expect([...walkGraphs(main)].map((g) => g.graph.name)).toEqual(['main', 'body', 'inner', 'inner']);
  });

  it('walks Scan-style GRAPHS attributes too', () => {
    const g: onnx.IGraphProto = { node: [relu('a', 'b')] };
    const main: onnx.IGraphProto = { node: [{ op_type: 'Custom', attribute: [{ name: 'graphs', graphs: [g, g] }] }] };
    expect([...walkNodes(main)]).toHaveLength(3);
  });
});

describe('names', () => {
  it('qualifies ops of non-default domains', () => {
    expect(qualifiedOpType({ op_type: 'Conv' })).toBe('Conv');
    expect(qualifiedOpType({ op_type: 'Conv', domain: 'ai.onnx' })).toBe('Conv');
    expect(qualifiedOpType({ op_type: 'FusedConv', domain: 'com.microsoft' })).toBe('com.microsoft.FusedConv');
  });

  it('labels unnamed nodes by op and index', () => {
    expect(nodeLabel({ name: 'conv1', op_type: 'Conv' }, 3)).toBe('conv1');
    expect(nodeLabel({ name: '', op_type: 'Conv' }, 3)).toBe('Conv_3');
  });
});
