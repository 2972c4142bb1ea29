/** Element types the engine emits, with their ONNX TensorProto codes and JS storage. */
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'uint32' | 'bool';

export const ONNX_DTYPE: Record<DType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11, uint32: 12 };

/** Encodes plain numbers as the little-endian raw bytes ONNX expects for `dtype`. */
export function toRawBytes(values: ArrayLike<number> | BigInt64Array, dtype: DType): Uint8Array {
  const n = values.length;
  let arr: ArrayBufferView;
  if (dtype === 'float32') arr = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  else if (dtype === 'float64') arr = values instanceof Float64Array ? values : Float64Array.from(values as ArrayLike<number>);
  else if (dtype === 'int32') arr = Int32Array.from(values as ArrayLike<number>);
  else if (dtype === 'uint32') arr = Uint32Array.from(values as ArrayLike<number>);
  else if (dtype === 'int64') {
    if (values instanceof BigInt64Array) arr = values;
    else {
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; i++) a[i] = BigInt((values as ArrayLike<number>)[i]);
      arr = a;
    }
  } else arr = Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}
