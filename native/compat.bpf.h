/* Kernel-version differences, in one place (CO-RE: the field that exists on the running kernel is
 * used). Each flavour names the kernel change that introduced it. */
#ifndef SAKER_COMPAT_BPF_H
#define SAKER_COMPAT_BPF_H

#include <bpf/bpf_core_read.h>

/* Linux 6.6 turned inode->i_ctime into __i_ctime (accessors only). */
struct inode___v66 {
  struct timespec64 __i_ctime;
  struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

/* Before 6.6: plain timespec64 fields. */
struct inode___v65 {
  struct timespec64 i_ctime;
  struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

/* ctime and mtime of an inode in ns since the epoch. Linux 6.11 split them into _sec/_nsec. */
static __always_inline void inode_times(struct inode *ino, __u64 *ctime, __u64 *mtime)
{
  if (bpf_core_field_exists(struct inode, i_ctime_sec)) {
    *ctime = BPF_CORE_READ(ino, i_ctime_sec) * 1000000000ull + BPF_CORE_READ(ino, i_ctime_nsec);
    *mtime = BPF_CORE_READ(ino, i_mtime_sec) * 1000000000ull + BPF_CORE_READ(ino, i_mtime_nsec);
  } else if (bpf_core_field_exists(struct inode___v66, __i_ctime)) {
    struct inode___v66 *o = (void *)ino;
    *ctime = BPF_CORE_READ(o, __i_ctime.tv_sec) * 1000000000ull + BPF_CORE_READ(o, __i_ctime.tv_nsec);
    *mtime = BPF_CORE_READ(o, i_mtime.tv_sec) * 1000000000ull + BPF_CORE_READ(o, i_mtime.tv_nsec);
  } else {
    struct inode___v65 *o = (void *)ino;
    *ctime = BPF_CORE_READ(o, i_ctime.tv_sec) * 1000000000ull + BPF_CORE_READ(o, i_ctime.tv_nsec);
    *mtime = BPF_CORE_READ(o, i_mtime.tv_sec) * 1000000000ull + BPF_CORE_READ(o, i_mtime.tv_nsec);
  }
}

#define SAKER_OVERLAYFS_SUPER_MAGIC 0x794c7630
/* libs' overlay layer of an executable: 0 not on overlayfs, 1 upper layer (it has an upper-layer
 * dentry: created or modified in the container's writable layer), 2 lower layer. struct ovl_inode
 * wraps the VFS inode. */
static __always_inline int inode_overlay_layer(struct inode *ino)
{
  if (!bpf_core_type_exists(struct ovl_inode))
    return 0;
  if (BPF_CORE_READ(ino, i_sb, s_magic) != SAKER_OVERLAYFS_SUPER_MAGIC)
    return 0;
  void *ovl = (void *)ino - bpf_core_field_offset(struct ovl_inode, vfs_inode);
  struct dentry *upper = NULL;
  bpf_probe_read_kernel(&upper, sizeof(upper), ovl + bpf_core_field_offset(struct ovl_inode, __upperdentry));
  return upper != NULL ? 1 : 2;
}

#define SAKER_S_IFMT 0170000
#define SAKER_S_IFREG 0100000
#define SAKER_S_IFDIR 0040000
#define SAKER_S_IFLNK 0120000
#define SAKER_SB_RDONLY 1
#define SAKER_S_IMMUTABLE 8
#define SAKER_CAP_DAC_OVERRIDE 1
#define SAKER_CAP_FOWNER 3

/* libs' "exe writable": the exec-ing user could write the executable — no read-only file system
 * or immutable inode, and then the owner, the mode bits for its class, or CAP_DAC_OVERRIDE /
 * CAP_FOWNER. (Root running a root-owned binary: writable.) */
static __always_inline bool exe_writable(struct task_struct *task, struct inode *ino)
{
  __u32 mode = BPF_CORE_READ(ino, i_mode);
  __u32 type = mode & SAKER_S_IFMT;
  if ((BPF_CORE_READ(ino, i_sb, s_flags) & SAKER_SB_RDONLY) &&
      (type == SAKER_S_IFREG || type == SAKER_S_IFDIR || type == SAKER_S_IFLNK))
    return false;
  if (BPF_CORE_READ(ino, i_flags) & SAKER_S_IMMUTABLE)
    return false;
  __u32 iuid = BPF_CORE_READ(ino, i_uid.val), igid = BPF_CORE_READ(ino, i_gid.val);
  if (iuid == (__u32)-1 || igid == (__u32)-1)
    return false;
  const struct cred *cred = BPF_CORE_READ(task, cred);
  __u32 fsuid = BPF_CORE_READ(cred, fsuid.val), fsgid = BPF_CORE_READ(cred, fsgid.val);
  if (fsuid == iuid)
    return true;
  __u32 m = fsgid == igid ? mode >> 3 : mode;
  if (m & 02)
    return true;
  __u64 caps = 0;
  bpf_probe_read_kernel(&caps, sizeof(caps), &cred->cap_effective);
  return (caps & ((1ULL << SAKER_CAP_DAC_OVERRIDE) | (1ULL << SAKER_CAP_FOWNER))) != 0;
}

#endif
