#include "cohort/distributed.hpp"

#include <cstdlib>
#include <vector>

#ifdef SPINELOAD_WITH_MPI
#include <mpi.h>
#endif

namespace spineload {

namespace {

// Open MPI, MPICH and Slurm's PMI set these in every process they start.
bool started_by_mpi_launcher() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

}  // namespace

Processes::Processes(int* argc, char*** argv) {
#ifdef SPINELOAD_WITH_MPI
  if (!started_by_mpi_launcher()) return;
  MPI_Init(argc, argv);
  mpi_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
  (void)argc;
  (void)argv;
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (!size) size = std::getenv("PMI_SIZE");
  unsupported_ = started_by_mpi_launcher() && size && std::atoi(size) > 1;
#endif
}

bool Processes::built_with_mpi() {
#ifdef SPINELOAD_WITH_MPI
  return true;
#else
  return false;
#endif
}

Processes::~Processes() {
#ifdef SPINELOAD_WITH_MPI
  if (mpi_) MPI_Finalize();
#endif
}

std::string Processes::gather(const std::string& mine) const {
#ifdef SPINELOAD_WITH_MPI
  if (mpi_ && size_ > 1) {
    const int n = static_cast<int>(mine.size());
    std::vector<int> sizes(rank_ == 0 ? size_ : 0), offsets(rank_ == 0 ? size_ : 0);
    MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::string all;
    if (rank_ == 0) {
      int total = 0;
      for (int r = 0; r < size_; ++r) {
        offsets[r] = total;
        total += sizes[r];
      }
      all.resize(static_cast<std::size_t>(total));
    }
    MPI_Gatherv(mine.data(), n, MPI_CHAR, rank_ == 0 ? all.data() : nullptr, sizes.data(), offsets.data(), MPI_CHAR, 0,
                MPI_COMM_WORLD);
    return all;
  }
#endif
  return mine;
}

bool Processes::all_ok(bool mine) const {
#ifdef SPINELOAD_WITH_MPI
  if (mpi_ && size_ > 1) {
    int in = mine ? 1 : 0, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return out == 1;
  }
#endif
  return mine;
}

}  // namespace spineload
