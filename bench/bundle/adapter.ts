// Choosing the adapter the GPU bundle measures: the machine's real GPU through Dawn's Vulkan backend,
// never a software one (SwiftShader, llvmpipe) unless asked for, and a diagnosis of the Vulkan setup
// when Dawn finds nothing usable.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from 'webgpu';

export interface AdapterDescription {
  /** the name to print and to look the nominal bandwidth up by (Dawn's description, else its device) */
  name: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
  features: string[];
  limits: Record<string, number>;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|basic render/i;

/** Every field of an adapter the report needs, read once (the adapter is handed to onnxruntime-web after). */
export function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  const fields = [info.vendor, info.architecture, info.device, info.description];
  const limits: Record<string, number> = {};
  for (const key in adapter.limits) limits[key] = Number(adapter.limits[key as keyof GPUSupportedLimits]);
  return {
    name: info.description || info.device || info.vendor || 'unknown adapter',
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software:
      Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) || fields.some((f) => SOFTWARE.test(f)),
    features: [...adapter.features].sort(),
    limits,
  };
}

/** The adapters Dawn can see, as it lists them when asked for one that does not exist. */
async function dawnAdapterList(): Promise<string> {
  try {
    const probe = create(['adapter=\u0001no-such-adapter']);
    await probe.requestAdapter();
    return 'none found';
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const at = text.indexOf('Available adapters');
    return at >= 0 ? text.slice(at).trim() : text.trim();
  }
}

// Where Vulkan loaders look for drivers (ICD manifests), plus where NVIDIA's container runtime mounts its own.
const ICD_DIRS = [
  '/usr/share/vulkan/icd.d',
  '/etc/vulkan/icd.d',
  '/usr/local/share/vulkan/icd.d',
  '/usr/local/nvidia/share/vulkan/icd.d',
];

function icdManifests(): string[] {
  return ICD_DIRS.filter((dir) => existsSync(dir)).flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(dir, f)),
  );
}

/** The Vulkan loader and driver libraries this process has mapped (Linux), e.g. to tell the system's loader from the carried one. */
export function loadedVulkanLibraries(): string[] {
  try {
    const paths = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .map((line) => line.split(/\s+/)[5] ?? '')
      .filter((path) => /\/(libvulkan[^/]*\.so|libvk_[^/]*\.so|libGLX_nvidia\.so)/.test(path));
    return [...new Set(paths)];
  } catch {
    return [];
  }
}

/** What to check when no (hardware) adapter was found. */
export async function vulkanDiagnosis(): Promise<string> {
  const env = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'LD_LIBRARY_PATH']
    .map((k) => `${k}=${process.env[k] ?? '(unset)'}`)
    .join(' ');
  const manifests = icdManifests();
  return [
    `Dawn's adapters: ${await dawnAdapterList()}`,
    `Vulkan driver manifests on this machine: ${manifests.length ? manifests.join(', ') : 'none'}`,
    `environment: ${env}`,
    'What to check:',
    '- The Vulkan loader (libvulkan.so.1): run.sh unpacks the carried libvulkan1 .deb when the system has none.',
    '- A driver manifest: NVIDIA installs nvidia_icd.json in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d with',
    '  its driver; containers get it only with NVIDIA_DRIVER_CAPABILITIES including "graphics" (or "all"), often',
    '  under /usr/local/nvidia/share/vulkan/icd.d. Point VK_DRIVER_FILES (and VK_ICD_FILENAMES for older',
    '  loaders) at it. Its library_path (libGLX_nvidia.so.0) must be loadable: ldconfig -p | grep GLX_nvidia.',
    '- VK_LOADER_DEBUG=all shows the loader searching for drivers.',
  ].join('\n');
}

/**
 * The high-performance adapter on `gpu`; a software one only with `allowSoftware`. Throws with the
 * Vulkan diagnosis otherwise.
 */
export async function selectAdapter(gpu: GPU, allowSoftware: boolean): Promise<GPUAdapter> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(`no WebGPU adapter.\n${await vulkanDiagnosis()}`);
  const description = describeAdapter(adapter);
  if (description.software && !allowSoftware) {
    throw new Error(
      `the only adapter is a software one (${description.name}); pass --allow-software to measure it anyway.\n${await vulkanDiagnosis()}`,
    );
  }
  return adapter;
}
