// A one-node ONNX model (GridSample) written in code with a tiny protobuf encoder, so the interop example
// and the benchmark need no model files and no protobuf dependency. Field numbers are those of
// onnx/onnx.proto.
import type { Mode, PaddingMode } from '../src/index.js';

export interface GridSampleModelSpec {
  inputShape: readonly number[];
  gridShape: readonly number[];
  mode: Mode;
  paddingMode: PaddingMode;
  alignCorners: boolean;
  /** 16 (4-D only, modes bilinear/nearest/bicubic) or 20 (N-D, modes linear/nearest/cubic). Default: 16 for 4-D, 20 for 5-D. */
  opset?: 16 | 20;
}

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2; // AttributeProto.AttributeType
const ATTR_STRING = 3;
const IR_VERSION = 8; // opset 16..20 need IR >= 8 (onnx 1.11+)

/** Protobuf wire format: varints and length-delimited fields are all a model needs. */
class Writer {
  private readonly bytes: number[] = [];

  varintField(field: number, value: number): this {
    this.varint((field << 3) | 0);
    this.varint(value);
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(value.length);
    for (const b of value) this.bytes.push(b);
    return this;
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  messageField(field: number, message: Writer): this {
    return this.bytesField(field, message.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  // Non-negative integers below 2^53 (shapes, enums, versions).
  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`varint must be a non-negative integer, got ${value}`);
    while (value >= 0x80) {
      this.bytes.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.bytes.push(value);
  }
}

function valueInfo(name: string, shape: readonly number[]): Writer {
  const dims = new Writer();
  for (const d of shape) dims.messageField(1, new Writer().varintField(1, d)); // TensorShapeProto.dim.dim_value
  const tensorType = new Writer().varintField(1, FLOAT).messageField(2, dims); // elem_type, shape
  return new Writer().stringField(1, name).messageField(2, new Writer().messageField(1, tensorType));
}

const intAttribute = (name: string, value: number) =>
  new Writer().stringField(1, name).varintField(20, ATTR_INT).varintField(3, value);
const stringAttribute = (name: string, value: string) =>
  new Writer().stringField(1, name).varintField(20, ATTR_STRING).stringField(4, value);

/** Opset 20 renamed the modes: bilinear -> linear, bicubic -> cubic. */
export function onnxModeName(mode: Mode, opset: 16 | 20): string {
  if (opset === 16) return mode;
  return mode === 'bilinear' ? 'linear' : mode === 'bicubic' ? 'cubic' : 'nearest';
}

/** Output shape of the model: [N, C, ...grid spatial]. */
export function gridSampleOutputShape(inputShape: readonly number[], gridShape: readonly number[]): number[] {
  return [inputShape[0], inputShape[1], ...gridShape.slice(1, -1)];
}

/** Serialised ModelProto with one GridSample node: inputs `X`, `grid`; output `Y`. */
export function gridSampleModel(spec: GridSampleModelSpec): Uint8Array {
  const opset = spec.opset ?? (spec.inputShape.length === 4 ? 16 : 20);
  if (opset === 16 && spec.inputShape.length !== 4) {
    throw new RangeError(`GridSample opset 16 takes 4-D input only, got ${spec.inputShape.length}-D; use opset 20`);
  }
  const node = new Writer()
    .stringField(1, 'X')
    .stringField(1, 'grid')
    .stringField(2, 'Y')
    .stringField(3, 'grid_sample')
    .stringField(4, 'GridSample')
    .messageField(5, intAttribute('align_corners', Number(spec.alignCorners)))
    .messageField(5, stringAttribute('mode', onnxModeName(spec.mode, opset)))
    .messageField(5, stringAttribute('padding_mode', spec.paddingMode));
  const graph = new Writer()
    .messageField(1, node)
    .stringField(2, 'grid_sample_graph')
    .messageField(11, valueInfo('X', spec.inputShape))
    .messageField(11, valueInfo('grid', spec.gridShape))
    .messageField(12, valueInfo('Y', gridSampleOutputShape(spec.inputShape, spec.gridShape)));
  return new Writer()
    .varintField(1, IR_VERSION)
    .stringField(2, 'webgpu-grid-sample bench')
    .messageField(7, graph)
    .messageField(8, new Writer().stringField(1, '').varintField(2, opset))
    .finish();
}
