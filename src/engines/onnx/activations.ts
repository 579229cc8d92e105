/**
 * @file TF.js activation functions as ONNX operators (opset 13), computed as TF.js computes them.
 */
import { attr, type GraphBuilder, type TensorRef } from './graph-builder';
import type { TopologyLayer } from './tfjs-topology';

/** Activation names as TF.js serializes them, normalised (`hard_sigmoid` and `hardSigmoid` alike). */
const normalise = (name: string) => name.toLowerCase().replaceAll('_', '');

/** The activation functions the exporter writes (TF.js names). */
export const SUPPORTED_ACTIVATIONS = Object.freeze(['linear', 'relu', 'relu6', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'logSoftmax', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new']);

/** `activation(x)` as ONNX operators (none for linear). */
export function applyActivation(g: GraphBuilder, scope: string, x: TensorRef, activation: unknown, layer: TopologyLayer): TensorRef {
  const name = typeof activation === 'string' ? normalise(activation) : activation === undefined || activation === null ? 'linear' : '';
  const out = (tensor: string): TensorRef => ({ name: tensor, shape: x.shape });
  const unary = (op: string, attributes = [] as ReturnType<typeof attr.int>[]) => out(g.op(scope, op, [x.name], attributes));
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return unary('Relu');
    case 'relu6':
      return out(g.op(scope, 'Clip', [x.name, g.scalar(`${scope}/zero`, 0), g.scalar(`${scope}/six`, 6)]));
    case 'sigmoid':
      return unary('Sigmoid');
    case 'hardsigmoid':
      return unary('HardSigmoid', [attr.float('alpha', 0.2), attr.float('beta', 0.5)]);
    case 'tanh':
      return unary('Tanh');
    case 'softmax':
      return unary('Softmax', [attr.int('axis', -1)]);
    case 'logsoftmax':
      return unary('LogSoftmax', [attr.int('axis', -1)]);
    case 'elu':
      return unary('Elu', [attr.float('alpha', 1)]);
    case 'selu':
      return unary('Selu');
    case 'softplus':
      return unary('Softplus');
    case 'softsign':
      return unary('Softsign');
    case 'swish':
      return out(g.op(scope, 'Mul', [x.name, g.op(scope, 'Sigmoid', [x.name])]));
    case 'mish':
      return out(g.op(scope, 'Mul', [x.name, g.op(scope, 'Tanh', [g.op(scope, 'Softplus', [x.name])])]));
    case 'gelu': {
      // x · Φ(x) = x · 0.5 · (1 + erf(x / √2)), as TF.js computes it.
      const erf = g.op(scope, 'Erf', [g.op(scope, 'Div', [x.name, g.scalar(`${scope}/sqrt2`, Math.SQRT2)])]);
      const cdf = g.op(scope, 'Mul', [g.scalar(`${scope}/half`, 0.5), g.op(scope, 'Add', [g.scalar(`${scope}/one`, 1), erf])]);
      return out(g.op(scope, 'Mul', [x.name, cdf]));
    }
    case 'gelunew': {
      // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))).
      const cube = g.op(scope, 'Mul', [x.name, g.op(scope, 'Mul', [x.name, x.name])]);
      const inner = g.op(scope, 'Add', [x.name, g.op(scope, 'Mul', [g.scalar(`${scope}/c`, 0.044715), cube])]);
      const tanh = g.op(scope, 'Tanh', [g.op(scope, 'Mul', [g.scalar(`${scope}/k`, Math.sqrt(2 / Math.PI)), inner])]);
      const half = g.op(scope, 'Mul', [g.scalar(`${scope}/half`, 0.5), x.name]);
      return out(g.op(scope, 'Mul', [half, g.op(scope, 'Add', [g.scalar(`${scope}/one`, 1), tanh])]));
    }
    default:
      throw new Error(`Cannot export layer "${layer.name}" (${layer.className}) to ONNX: activation ${JSON.stringify(activation)} is not supported; expected one of ${SUPPORTED_ACTIVATIONS.join(', ')}`);
  }
}
