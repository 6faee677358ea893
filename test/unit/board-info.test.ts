import { describe, expect, it } from 'vitest';
import { parseCpuinfo } from '../../resources/agent/src/board-info.js';

const core = (features: string, part: string) => `processor\t: 0\nBogoMIPS\t: 62.50\nFeatures\t: ${features}\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: ${part}\nCPU revision\t: 1\n`;

describe('parseCpuinfo', () => {
  it('names a Raspberry Pi 4: Cortex-A72 with NEON but no dot product', () => {
    const text = `${core('fp asimd evtstrm crc32 cpuid', '0xd08')}\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.1\n`;
    expect(parseCpuinfo(text)).toEqual({ cpu: 'ARM Cortex-A72', model: 'Raspberry Pi 4 Model B Rev 1.1', cpuFeatures: ['asimd'] });
  });

  it('names a Jetson Orin core (Cortex-A78AE) with fp16 and dot product, and keeps an unknown part by number', () => {
    const orin = core('fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp uscat ilrcpc flagm paca pacg', '0xd42');
    expect(parseCpuinfo(orin)).toEqual({ cpu: 'ARM Cortex-A78AE', model: null, cpuFeatures: ['asimd', 'asimdhp', 'asimddp'] });
    expect(parseCpuinfo(core('fp asimd i8mm sve', '0xd99')).cpu).toBe('ARM core 0xd99');
  });

  it('reads an x86 model name and its VNNI and AVX flags', () => {
    const text = 'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\nflags\t\t: fpu sse2 avx fma avx2 avx512f avx512bw avx512_vnni sha_ni\n';
    expect(parseCpuinfo(text)).toEqual({ cpu: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz', model: null, cpuFeatures: ['avx2', 'fma', 'avx512f', 'avx512_vnni'] });
  });

  it('gives nothing, not a guess, for an empty or foreign text', () => {
    expect(parseCpuinfo('')).toEqual({ cpu: null, model: null, cpuFeatures: [] });
  });
});
