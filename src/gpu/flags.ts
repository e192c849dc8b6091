// WebGPU flag values fixed by the spec. Used instead of the GPUBufferUsage/GPUMapMode/GPUShaderStage
// globals, which plain Node lacks even when a device comes from the `webgpu` package.
export const BufferUsage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const MapModeRead = 0x1;
export const ShaderStageCompute = 0x4;
