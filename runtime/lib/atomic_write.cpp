//===- atomic_write.cpp - replace a file atomically (checkpoints) ---------===//
//
// The usual POSIX recipe: rename() within one file system is atomic, so the
// new contents go to a temporary file next to the target first. fsync before
// the rename makes sure the data are on disk before the name points at them
// (otherwise a crash can leave an empty file under the old name, as ext4 did
// with delayed allocation); fsync of the directory afterwards makes the
// rename itself durable.
//
//===----------------------------------------------------------------------===//

#include "internal.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <unistd.h>

using namespace kiln::rt;

namespace {

std::atomic<unsigned> tempCounter{0};

kiln_status writeAtomic(const char *path, const void *bytes, size_t n) {
  std::string target = path;
  size_t slash = target.rfind('/');
  std::string dir = slash == std::string::npos ? "."
                    : slash == 0               ? "/"
                                               : target.substr(0, slash);

  // O_EXCL on a name of our own (not mkstemp) so that the file is created
  // with 0666 & ~umask like any other output, not mkstemp's 0600.
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp = target + ".tmp." + std::to_string(getpid()) + "." +
           std::to_string(tempCounter++);
    fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  if (fd < 0)
    return fail(KILN_ERROR_IO,
                "write_file_atomic: cannot create a temporary file for '%s': "
                "%s",
                path, std::strerror(errno));

  auto abandon = [&](const char *step, int err) {
    if (fd >= 0)
      close(fd);
    unlink(temp.c_str());
    return fail(KILN_ERROR_IO, "write_file_atomic: '%s': %s failed: %s", path,
                step, std::strerror(err));
  };
  const char *p = static_cast<const char *>(bytes);
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, p + done, n - done);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return abandon("write", errno);
    }
    done += (size_t)w;
  }
  if (fsync(fd) != 0)
    return abandon("fsync", errno);
  int closed = close(fd);
  fd = -1;
  if (closed != 0)
    return abandon("close", errno);
  if (rename(temp.c_str(), path) != 0)
    return abandon("rename", errno);

  int dirFd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd < 0)
    return fail(KILN_ERROR_IO,
                "write_file_atomic: '%s' was replaced but its directory cannot "
                "be opened to make that durable: %s",
                path, std::strerror(errno));
  // Some file systems cannot fsync a directory (EINVAL); the rename is then
  // as durable as they make it.
  int synced = fsync(dirFd);
  int err = errno;
  close(dirFd);
  if (synced != 0 && err != EINVAL)
    return fail(KILN_ERROR_IO,
                "write_file_atomic: '%s' was replaced but fsync of its "
                "directory failed: %s",
                path, std::strerror(err));
  return KILN_OK;
}

} // namespace

extern "C" kiln_status kiln_write_file_atomic(const char *path,
                                              const void *bytes, size_t n) {
  if (!path || !*path)
    return fail(KILN_ERROR_INVALID_ARGUMENT, "write_file_atomic: no path");
  if (!bytes && n > 0)
    return fail(KILN_ERROR_INVALID_ARGUMENT,
                "write_file_atomic: '%s': NULL bytes", path);
  try {
    return writeAtomic(path, bytes, n);
  } catch (...) {
    return fail(KILN_ERROR_OUT_OF_MEMORY, "write_file_atomic: out of memory");
  }
}
