#pragma once
// Process-wide allocator settings for training.

namespace paradigms {

/// Keeps freed heap memory in the process instead of handing it back to the kernel at once.
/// glibc returns the top of the heap once 128 KiB are free there and serves large blocks
/// with fresh mmaps, so every training step would page-fault its activations (tens of MB)
/// in again; measured on the main job's model, that is ~19,000 page faults per step. Call
/// once at start-up, before threads start. Returns false where the allocator is not glibc's
/// or refuses a setting (the process then runs with its defaults).
bool keep_freed_memory();

/// The peak resident set size of this process so far, in MiB (getrusage's ru_maxrss).
double peak_rss_mb();

}  // namespace paradigms
