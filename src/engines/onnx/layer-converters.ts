/**
 * @file TF.js (Keras) layers as ONNX operators, one converter per layer class, opset 13.
 *
 * Tensors keep TF.js's channels-last layout everywhere; a convolution or pooling layer transposes to ONNX's
 * channels-first layout and back around its operator (onnxruntime's transpose optimizer cancels the pairs), so
 * flatten, dense and batch norm read exactly what TF.js reads. Inference semantics: dropout and noise layers are
 * identities, batch norm uses its moving statistics.
 */
import { applyActivation } from './activations';
import { attr, type GraphBuilder, type TensorRef } from './graph-builder';
import type { NamedWeight, TopologyLayer } from './tfjs-topology';

/** What a converter gets: the graph, the layer, its input tensors and its weights. */
export interface LayerContext {
  g: GraphBuilder;
  layer: TopologyLayer;
  inputs: TensorRef[];
  /** The layer's weight by short name (`kernel`), or undefined. */
  weight(shortName: string): NamedWeight | undefined;
}

type Converter = (ctx: LayerContext) => TensorRef;

function fail(layer: TopologyLayer, message: string): never {
  throw new Error(`Cannot export layer "${layer.name}" (${layer.className}) to ONNX: ${message}`);
}

function requireWeight(ctx: LayerContext, shortName: string): NamedWeight {
  return ctx.weight(shortName) ?? fail(ctx.layer, `its weight "${shortName}" is missing from the saved weights`);
}

function num(ctx: LayerContext, key: string, fallback: number): number {
  const value = ctx.layer.config[key];
  if (value === undefined || value === null) return fallback;
  return typeof value === 'number' ? value : fail(ctx.layer, `config "${key}" is ${JSON.stringify(value)}; expected a number`);
}

/** A per-axis setting (`[2, 2]`, or one number for every axis). */
function tuple(ctx: LayerContext, key: string, rank: number, fallback: readonly number[] | undefined): number[] {
  const value = ctx.layer.config[key];
  if ((value === undefined || value === null) && fallback) return [...fallback];
  if (typeof value === 'number') return Array.from({ length: rank }, () => value);
  if (Array.isArray(value) && value.length === rank && value.every((v) => typeof v === 'number')) return value as number[];
  return fail(ctx.layer, `config "${key}" is ${JSON.stringify(value)}; expected ${rank} numbers`);
}

function only(ctx: LayerContext): TensorRef {
  if (ctx.inputs.length !== 1) fail(ctx.layer, `it reads ${ctx.inputs.length} tensors; expected 1`);
  return ctx.inputs[0];
}

function channelsLast(ctx: LayerContext): void {
  const format = ctx.layer.config.data_format ?? 'channels_last';
  if (format !== 'channels_last') fail(ctx.layer, `data_format is ${JSON.stringify(format)}; expected "channels_last"`);
}

/** Padding per spatial axis as ONNX `pads` ([begins..., ends...]) and the output sizes; sizes are null when unknown. */
function spatialPadding(ctx: LayerContext, padding: unknown, sizes: (number | null)[], kernel: number[], strides: number[], dilations: number[]) {
  const begins: number[] = [];
  const ends: number[] = [];
  const out: (number | null)[] = [];
  let known = true;
  sizes.forEach((size, i) => {
    const effective = (kernel[i] - 1) * dilations[i] + 1;
    let total = 0;
    let begin = 0;
    if (padding === 'same') {
      if (size === null) known = false;
      else {
        total = Math.max((Math.ceil(size / strides[i]) - 1) * strides[i] + effective - size, 0);
        begin = Math.floor(total / 2);
      }
    } else if (padding === 'causal') {
      total = effective - 1;
      begin = total;
    } else if (padding !== 'valid') {
      fail(ctx.layer, `padding ${JSON.stringify(padding)} is not supported; expected "same", "valid" or "causal"`);
    }
    begins.push(begin);
    ends.push(total - begin);
    out.push(size === null ? null : Math.floor((size + total - effective) / strides[i]) + 1);
  });
  // SAME_UPPER is TF's "same" (the odd pad at the end) when the size is unknown at export time.
  const padAttribute = known ? attr.ints('pads', [...begins, ...ends]) : attr.string('auto_pad', 'SAME_UPPER');
  return { padAttribute, out };
}

/** Channels-last ↔ channels-first transposes for `rank` spatial axes. */
const toChannelsFirst = (rank: number) => (rank === 1 ? [0, 2, 1] : [0, 3, 1, 2]);
const toChannelsLast = (rank: number) => (rank === 1 ? [0, 2, 1] : [0, 2, 3, 1]);

/** TF kernel [k..., cin, cout] → ONNX weight [cout, cin, k...]. */
function convWeight(kernel: NamedWeight, rank: number): { data: Float32Array; dims: number[] } {
  const spatial = kernel.shape.slice(0, rank);
  const [cin, cout] = kernel.shape.slice(rank);
  const size = spatial.reduce((a, b) => a * b, 1);
  const data = new Float32Array(kernel.data.length);
  for (let s = 0; s < size; s++) {
    for (let c = 0; c < cin; c++) {
      for (let o = 0; o < cout; o++) data[(o * cin + c) * size + s] = kernel.data[(s * cin + c) * cout + o];
    }
  }
  return { data, dims: [cout, cin, ...spatial] };
}

function convolution(rank: number): Converter {
  return (ctx) => {
    const { g, layer } = ctx;
    const x = only(ctx);
    channelsLast(ctx);
    if (x.shape.length !== rank + 2) fail(layer, `its input has rank ${x.shape.length}; expected ${rank + 2}`);
    const kernel = requireWeight(ctx, 'kernel');
    if (kernel.shape.length !== rank + 2) fail(layer, `its kernel has shape [${kernel.shape.join(', ')}]`);
    const kernelSize = kernel.shape.slice(0, rank);
    const strides = tuple(ctx, 'strides', rank, Array(rank).fill(1));
    const dilations = tuple(ctx, 'dilation_rate', rank, Array(rank).fill(1));
    if ((layer.config.groups ?? 1) !== 1) fail(layer, 'grouped convolutions are not supported');
    const { padAttribute, out } = spatialPadding(ctx, layer.config.padding ?? 'valid', x.shape.slice(1, rank + 1), kernelSize, strides, dilations);
    const weight = convWeight(kernel, rank);
    const inputs = [g.op(layer.name, 'Transpose', [x.name], [attr.ints('perm', toChannelsFirst(rank))]), g.float(`${layer.name}/kernel`, weight.data, weight.dims)];
    if (layer.config.use_bias !== false) {
      const bias = requireWeight(ctx, 'bias');
      inputs.push(g.float(`${layer.name}/bias`, bias.data, bias.shape));
    }
    const conv = g.op(layer.name, 'Conv', inputs, [attr.ints('kernel_shape', kernelSize), attr.ints('strides', strides), attr.ints('dilations', dilations), padAttribute, attr.int('group', 1)]);
    const back = g.op(layer.name, 'Transpose', [conv], [attr.ints('perm', toChannelsLast(rank))]);
    const cout = kernel.shape[rank + 1];
    return applyActivation(g, layer.name, { name: back, shape: [x.shape[0], ...out, cout] }, layer.config.activation, layer);
  };
}

function pooling(rank: number, opType: 'MaxPool' | 'AveragePool'): Converter {
  return (ctx) => {
    const { g, layer } = ctx;
    const x = only(ctx);
    channelsLast(ctx);
    if (x.shape.length !== rank + 2) fail(layer, `its input has rank ${x.shape.length}; expected ${rank + 2}`);
    const size = tuple(ctx, 'pool_size', rank, Array(rank).fill(2));
    const strides = tuple(ctx, 'strides', rank, size);
    const { padAttribute, out } = spatialPadding(ctx, layer.config.padding ?? 'valid', x.shape.slice(1, rank + 1), size, strides, Array(rank).fill(1));
    const attributes = [attr.ints('kernel_shape', size), attr.ints('strides', strides), padAttribute];
    // TF averages over the window's valid cells only, as ONNX does with count_include_pad 0.
    if (opType === 'AveragePool') attributes.push(attr.int('count_include_pad', 0));
    const nchw = g.op(layer.name, 'Transpose', [x.name], [attr.ints('perm', toChannelsFirst(rank))]);
    const back = g.op(layer.name, 'Transpose', [g.op(layer.name, opType, [nchw], attributes)], [attr.ints('perm', toChannelsLast(rank))]);
    return { name: back, shape: [x.shape[0], ...out, x.shape[rank + 1]] };
  };
}

function globalPooling(rank: number, opType: 'ReduceMax' | 'ReduceMean'): Converter {
  return (ctx) => {
    const x = only(ctx);
    channelsLast(ctx);
    if (x.shape.length !== rank + 2) fail(ctx.layer, `its input has rank ${x.shape.length}; expected ${rank + 2}`);
    const axes = Array.from({ length: rank }, (_, i) => i + 1);
    return { name: ctx.g.op(ctx.layer.name, opType, [x.name], [attr.ints('axes', axes), attr.int('keepdims', 0)]), shape: [x.shape[0], x.shape[rank + 1]] };
  };
}

const dense: Converter = (ctx) => {
  const { g, layer } = ctx;
  const x = only(ctx);
  const kernel = requireWeight(ctx, 'kernel');
  let y = g.op(layer.name, 'MatMul', [x.name, g.float(`${layer.name}/kernel`, kernel.data, kernel.shape)]);
  if (layer.config.use_bias !== false) {
    const bias = requireWeight(ctx, 'bias');
    y = g.op(layer.name, 'Add', [y, g.float(`${layer.name}/bias`, bias.data, bias.shape)]);
  }
  return applyActivation(g, layer.name, { name: y, shape: [...x.shape.slice(0, -1), kernel.shape[1]] }, layer.config.activation, layer);
};

const batchNormalization: Converter = (ctx) => {
  const { g, layer } = ctx;
  const x = only(ctx);
  const axis = num(ctx, 'axis', -1);
  if (axis !== -1 && axis !== x.shape.length - 1) fail(layer, `it normalises axis ${axis}; expected the last axis (-1)`);
  const epsilon = num(ctx, 'epsilon', 1e-3);
  const mean = requireWeight(ctx, 'moving_mean');
  const variance = requireWeight(ctx, 'moving_variance');
  const gamma = layer.config.scale === false ? undefined : requireWeight(ctx, 'gamma');
  const beta = layer.config.center === false ? undefined : requireWeight(ctx, 'beta');
  // (x − mean) · γ/√(var + ε) + β, as TF.js computes it; γ/√(var + ε) is folded in double precision.
  const scale = Float32Array.from(variance.data, (v, i) => (gamma ? gamma.data[i] : 1) / Math.sqrt(v + epsilon));
  const centred = g.op(layer.name, 'Sub', [x.name, g.float(`${layer.name}/moving_mean`, mean.data, mean.shape)]);
  let y = g.op(layer.name, 'Mul', [centred, g.float(`${layer.name}/scale`, scale, mean.shape)]);
  if (beta) y = g.op(layer.name, 'Add', [y, g.float(`${layer.name}/beta`, beta.data, beta.shape)]);
  return { name: y, shape: x.shape };
};

const embedding: Converter = (ctx) => {
  const { g, layer } = ctx;
  const x = only(ctx);
  const table = requireWeight(ctx, 'embeddings');
  // TF.js casts the ids to int32 (truncating), as ONNX Cast does.
  const ids = g.op(layer.name, 'Cast', [x.name], [attr.int('to', 6)]);
  const gathered = g.op(layer.name, 'Gather', [g.float(`${layer.name}/embeddings`, table.data, table.shape), ids], [attr.int('axis', 0)]);
  return { name: gathered, shape: [...x.shape, table.shape[1]] };
};

const flatten: Converter = (ctx) => {
  const x = only(ctx);
  const rest = x.shape.slice(1);
  const size = rest.every((d) => d !== null) ? (rest as number[]).reduce((a, b) => a * b, 1) : null;
  return { name: ctx.g.op(ctx.layer.name, 'Flatten', [x.name], [attr.int('axis', 1)]), shape: [x.shape[0], size] };
};

const reshape: Converter = (ctx) => {
  const x = only(ctx);
  const target = ctx.layer.config.target_shape;
  if (!Array.isArray(target) || !target.every((d) => typeof d === 'number')) fail(ctx.layer, `target_shape is ${JSON.stringify(target)}; expected numbers`);
  const dims = target as number[];
  const known = x.shape.slice(1);
  const total = known.every((d) => d !== null) ? (known as number[]).reduce((a, b) => a * b, 1) : null;
  const fixed = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const shape = dims.map((d) => (d === -1 ? (total === null ? null : total / fixed) : d));
  // 0 copies the batch size from the input (allowzero 0, the default).
  const reshaped = ctx.g.op(ctx.layer.name, 'Reshape', [x.name, ctx.g.int64(`${ctx.layer.name}/shape`, [0, ...dims])]);
  return { name: reshaped, shape: [x.shape[0], ...shape] };
};

const identity: Converter = (ctx) => only(ctx);

function merge(opType: 'Add' | 'Mul' | 'Max' | 'Min' | 'Sub' | 'Average'): Converter {
  return (ctx) => {
    const { g, layer, inputs } = ctx;
    if (inputs.length < 2) fail(layer, `it reads ${inputs.length} tensor; expected 2 or more`);
    if (opType === 'Sub' && inputs.length !== 2) fail(layer, 'Subtract reads exactly 2 tensors');
    const op = opType === 'Average' ? 'Add' : opType;
    let y = inputs[0].name;
    for (const input of inputs.slice(1)) y = g.op(layer.name, op, [y, input.name]);
    if (opType === 'Average') y = g.op(layer.name, 'Mul', [y, g.scalar(`${layer.name}/inverse_count`, 1 / inputs.length)]);
    return { name: y, shape: inputs[0].shape };
  };
}

const concatenate: Converter = (ctx) => {
  const { layer, inputs } = ctx;
  const rank = inputs[0].shape.length;
  const axis = num(ctx, 'axis', -1);
  const positive = axis < 0 ? rank + axis : axis;
  const shape = [...inputs[0].shape];
  shape[positive] = inputs.every((t) => t.shape[positive] !== null) ? inputs.reduce((sum, t) => sum + (t.shape[positive] as number), 0) : null;
  return { name: ctx.g.op(layer.name, 'Concat', inputs.map((t) => t.name), [attr.int('axis', axis)]), shape };
};

const activationLayer: Converter = (ctx) => applyActivation(ctx.g, ctx.layer.name, only(ctx), ctx.layer.config.activation, ctx.layer);

const reluLayer: Converter = (ctx) => {
  const x = only(ctx);
  const max = ctx.layer.config.max_value;
  if (typeof max !== 'number') return applyActivation(ctx.g, ctx.layer.name, x, 'relu', ctx.layer);
  const { g, layer } = ctx;
  return { name: g.op(layer.name, 'Clip', [x.name, g.scalar(`${layer.name}/zero`, 0), g.scalar(`${layer.name}/max`, max)]), shape: x.shape };
};

function parametric(opType: 'LeakyRelu' | 'Elu' | 'ThresholdedRelu', key: string, fallback: number): Converter {
  return (ctx) => {
    const x = only(ctx);
    return { name: ctx.g.op(ctx.layer.name, opType, [x.name], [attr.float('alpha', num(ctx, key, fallback))]), shape: x.shape };
  };
}

const softmaxLayer: Converter = (ctx) => {
  const x = only(ctx);
  const axis = ctx.layer.config.axis;
  const value = Array.isArray(axis) && axis.length === 1 ? axis[0] : (axis ?? -1);
  if (typeof value !== 'number') fail(ctx.layer, `axis ${JSON.stringify(axis)} is not supported; expected one axis`);
  return { name: ctx.g.op(ctx.layer.name, 'Softmax', [x.name], [attr.int('axis', value)]), shape: x.shape };
};

/** Converters by TF.js layer class name. */
export const LAYER_CONVERTERS: Readonly<Record<string, Converter>> = Object.freeze({
  Dense: dense,
  Conv1D: convolution(1),
  Conv2D: convolution(2),
  MaxPooling1D: pooling(1, 'MaxPool'),
  MaxPooling2D: pooling(2, 'MaxPool'),
  AveragePooling1D: pooling(1, 'AveragePool'),
  AveragePooling2D: pooling(2, 'AveragePool'),
  GlobalMaxPooling1D: globalPooling(1, 'ReduceMax'),
  GlobalMaxPooling2D: globalPooling(2, 'ReduceMax'),
  GlobalAveragePooling1D: globalPooling(1, 'ReduceMean'),
  GlobalAveragePooling2D: globalPooling(2, 'ReduceMean'),
  BatchNormalization: batchNormalization,
  Embedding: embedding,
  Flatten: flatten,
  Reshape: reshape,
  Activation: activationLayer,
  ReLU: reluLayer,
  LeakyReLU: parametric('LeakyRelu', 'alpha', 0.3),
  ELU: parametric('Elu', 'alpha', 1),
  ThresholdedReLU: parametric('ThresholdedRelu', 'theta', 1),
  Softmax: softmaxLayer,
  Dropout: identity,
  SpatialDropout1D: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Add: merge('Add'),
  Subtract: merge('Sub'),
  Multiply: merge('Mul'),
  Maximum: merge('Max'),
  Minimum: merge('Min'),
  Average: merge('Average'),
  Concatenate: concatenate,
});
