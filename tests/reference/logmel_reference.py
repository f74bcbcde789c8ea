"""Independent numpy-only reference for the paradigms log-mel front-end.

It deliberately uses numpy and the standard library only (no torch, no librosa), so the C++
implementation is checked against the definitions rather than against another library's code.
Everything is computed in float64.

Mel scales (f in Hz):
  slaney: mel = f / f_sp with f_sp = 200/3 below 1000 Hz, and
          mel = 15 + ln(f / 1000) / (ln(6.4) / 27) at and above 1000 Hz; inverse accordingly.
  htk:    mel = 2595 * log10(1 + f / 700).
Filterbank [n_mels, 1 + n_fft // 2]: bin frequencies linspace(0, sr / 2, 1 + n_fft // 2);
  hz = n_mels + 2 points evenly spaced in mel between mel(f_min) and mel(f_max), mapped back to Hz;
  triangle i = max(0, min((f - hz[i]) / (hz[i+1] - hz[i]), (hz[i+2] - f) / (hz[i+2] - hz[i+1])));
  norm "slaney" multiplies triangle i by 2 / (hz[i+2] - hz[i]) (unit area); "none" leaves it.
Log-mel: periodic Hann w[k] = 0.5 - 0.5 cos(2 pi k / win_length), zero-padded to n_fft with
  (n_fft - win_length) // 2 zeros on the left; signal reflect-padded by n_fft // 2 on both sides
  (edge sample not repeated); frame t starts at t * hop_length, t < 1 + (len_padded - n_fft) // hop;
  power = |rfft(frame * window)|^2; mel = filterbank @ power -> [n_mels, frames];
  "log1p": ln(1 + 10000 * mel); "db": 10 * log10(max(mel, 1e-10)).
WAV int16 samples are read as q / 32768 (the libsndfile convention).

Run from the repository root: /usr/bin/python3 tests/reference/logmel_reference.py
"""
import os
import wave

import numpy as np

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
SLANEY_F_SP = 200.0 / 3.0
SLANEY_BREAK_HZ = 1000.0
SLANEY_BREAK_MEL = SLANEY_BREAK_HZ / SLANEY_F_SP  # = 15
SLANEY_LOG_STEP = np.log(6.4) / 27.0
LOG1P_GAIN = 10000.0
DB_FLOOR = 1e-10


def hz_to_mel(freq_hz, scale):
    freq_hz = np.asarray(freq_hz, dtype=np.float64)
    if scale == "htk":
        return 2595.0 * np.log10(1.0 + freq_hz / 700.0)
    above = freq_hz >= SLANEY_BREAK_HZ
    safe = np.where(above, freq_hz, SLANEY_BREAK_HZ)  # keeps log() away from zero below the break
    return np.where(above, SLANEY_BREAK_MEL + np.log(safe / SLANEY_BREAK_HZ) / SLANEY_LOG_STEP,
                    freq_hz / SLANEY_F_SP)


def mel_to_hz(mel, scale):
    mel = np.asarray(mel, dtype=np.float64)
    if scale == "htk":
        return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)
    return np.where(mel >= SLANEY_BREAK_MEL,
                    SLANEY_BREAK_HZ * np.exp(SLANEY_LOG_STEP * (mel - SLANEY_BREAK_MEL)),
                    mel * SLANEY_F_SP)


def band_edges_hz(n_mels, f_min, f_max, scale):
    lo, hi = hz_to_mel(f_min, scale), hz_to_mel(f_max, scale)
    return mel_to_hz(np.linspace(lo, hi, n_mels + 2), scale)


def triangles(freqs_hz, edges_hz, norm):
    """Weights [n_mels, len(freqs_hz)] of the triangles on edges_hz, evaluated at freqs_hz."""
    n_mels = len(edges_hz) - 2
    weights = np.zeros((n_mels, len(freqs_hz)), dtype=np.float64)
    for i in range(n_mels):
        left, centre, right = edges_hz[i], edges_hz[i + 1], edges_hz[i + 2]
        rising = (freqs_hz - left) / (centre - left)
        falling = (right - freqs_hz) / (right - centre)
        weights[i] = np.maximum(0.0, np.minimum(rising, falling))
        if norm == "slaney":
            weights[i] *= 2.0 / (right - left)
    return weights


def mel_filterbank(sr, n_fft, n_mels, f_min, f_max, scale, norm):
    """[n_mels, 1 + n_fft // 2] float64."""
    bin_freqs_hz = np.linspace(0.0, sr / 2.0, 1 + n_fft // 2)
    return triangles(bin_freqs_hz, band_edges_hz(n_mels, f_min, f_max, scale), norm)


def log_mel(signal, sr, n_fft, win_length, hop_length, n_mels, f_min, f_max, scale, norm,
            compression):
    k = np.arange(win_length, dtype=np.float64)
    window = np.zeros(n_fft, dtype=np.float64)
    left_pad = (n_fft - win_length) // 2
    window[left_pad:left_pad + win_length] = 0.5 - 0.5 * np.cos(2.0 * np.pi * k / win_length)
    padded = np.pad(np.asarray(signal, dtype=np.float64), n_fft // 2, mode="reflect")
    n_frames = 1 + (len(padded) - n_fft) // hop_length
    frames = np.stack([padded[t * hop_length:t * hop_length + n_fft] for t in range(n_frames)])
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2  # [frames, 1 + n_fft // 2]
    mel = mel_filterbank(sr, n_fft, n_mels, f_min, f_max, scale, norm) @ power.T
    if compression == "log1p":
        return np.log1p(LOG1P_GAIN * mel)
    return 10.0 * np.log10(np.maximum(mel, DB_FLOOR))


def quantise(x):  # clip, then round half to even (no sample here lands on .5)
    return np.round(np.clip(x, -1.0, 1.0) * 32767.0).astype("<i2")


def write_wav(path, samples_int16, sr):
    """samples_int16: [n] or [n, channels]; interleaved little-endian 16-bit PCM."""
    channels = 1 if samples_int16.ndim == 1 else samples_int16.shape[1]
    with wave.open(path, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(sr)
        wav.writeframes(np.ascontiguousarray(samples_int16, dtype="<i2").tobytes())


def read_wav_float(path):
    """[frames, channels] float64 as q / 32768, plus the sample rate."""
    with wave.open(path, "rb") as wav:
        raw = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        return raw.reshape(-1, wav.getnchannels()).astype(np.float64) / 32768.0, wav.getframerate()


FILTERBANKS = {  # name: (sr, n_fft, n_mels, f_min, f_max, scale, norm)
    "sr16000_nfft512_m40_slaney_slaney": (16000, 512, 40, 0.0, 8000.0, "slaney", "slaney"),
    "sr22050_nfft1024_m64_htk_none_f20_8000": (22050, 1024, 64, 20.0, 8000.0, "htk", "none"),
    "sr8000_nfft256_m16_slaney_slaney_f100": (8000, 256, 16, 100.0, 4000.0, "slaney", "slaney"),
    "sr16000_nfft1024_m64_htk_slaney": (16000, 1024, 64, 0.0, 8000.0, "htk", "slaney"),
}


def check_unit_area(sr, n_fft, n_mels, f_min, f_max, scale, norm):
    """Slaney norm must give each triangle unit area; integrate it on a 1 Hz grid."""
    fine_hz = np.arange(0.0, sr / 2.0 + 1.0, 1.0)
    areas = triangles(fine_hz, band_edges_hz(n_mels, f_min, f_max, scale), norm).sum(axis=1)
    assert np.allclose(areas, 1.0, atol=1e-3), f"triangle areas not 1: {areas}"
    return areas


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, config in FILTERBANKS.items():
        np.save(os.path.join(OUT_DIR, f"mel_fb_{name}.npy"), mel_filterbank(*config))
    first = next(iter(FILTERBANKS.values()))
    print("row sums of mel_fb_" + next(iter(FILTERBANKS)) + ":")
    print(np.array2string(mel_filterbank(*first).sum(axis=1), precision=6, max_line_width=96))
    areas = check_unit_area(*first)
    print(f"slaney triangle areas on 1 Hz grid: min {areas.min():.6f} max {areas.max():.6f}")

    sr, n = 16000, 12800
    t = np.arange(n, dtype=np.float64) / sr
    noise = np.random.default_rng(1234).standard_normal(n)
    chirp = (0.5 * np.sin(2 * np.pi * (100 * t + 2000 * t ** 2))
             + 0.1 * np.sin(2 * np.pi * 3000 * t) + 0.05 * noise)
    chirp_path = os.path.join(OUT_DIR, "chirp16k.wav")
    write_wav(chirp_path, quantise(chirp), sr)
    decoded, decoded_sr = read_wav_float(chirp_path)
    assert decoded_sr == sr and decoded.shape == (n, 1)
    signal = decoded[:, 0]
    assert np.array_equal(signal, quantise(chirp).astype(np.float64) / 32768.0)
    outputs = {  # name: (sr, n_fft, win_length, hop, n_mels, f_min, f_max, scale, norm, compr.)
        "logmel_chirp16k_log1p": (sr, 1024, 1024, 256, 64, 0.0, 8000.0, "slaney", "slaney",
                                  "log1p"),
        "logmel_chirp16k_db_htk_win400": (sr, 512, 400, 160, 40, 50.0, 7000.0, "htk", "none", "db"),
    }
    for name, config in outputs.items():
        features = log_mel(signal, *config).astype(np.float32)
        np.save(os.path.join(OUT_DIR, f"{name}.npy"), features)
        print(f"{name}: shape {features.shape}")

    sr44, n44 = 44100, 22050
    t44 = np.arange(n44, dtype=np.float64) / sr44
    stereo = np.stack([quantise(0.4 * np.sin(2 * np.pi * 440 * t44)),
                       quantise(0.4 * np.sin(2 * np.pi * 880 * t44))], axis=1)
    stereo_path = os.path.join(OUT_DIR, "stereo44k.wav")
    write_wav(stereo_path, stereo, sr44)
    decoded44, _ = read_wav_float(stereo_path)
    assert decoded44.shape == (n44, 2)
    np.save(os.path.join(OUT_DIR, "stereo44k_mono_mean_first8.npy"), decoded44[:8].mean(axis=1))


if __name__ == "__main__":
    main()
