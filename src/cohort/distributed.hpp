// Stage cohort, processes: the same binary started by mpirun splits a cohort's chunks across
// ranks (chunk c belongs to rank c mod size) and gathers the rows to rank 0, which writes
// the outputs. Started without mpirun, or built without MPI, it is one process. Only this
// file's implementation touches MPI.
#pragma once
#include <string>

namespace spineload {

class Processes {
 public:
  // Initialises MPI when the process was started by an MPI launcher (else a no-op).
  Processes(int* argc, char*** argv);
  ~Processes();
  Processes(const Processes&) = delete;
  Processes& operator=(const Processes&) = delete;

  // Built with MPI support (so ranks under mpirun share the work)?
  static bool built_with_mpi();
  // Started by mpirun with several ranks but built without MPI: each rank would run the
  // whole cohort alone; the CLI refuses instead.
  bool launched_without_support() const { return unsupported_; }

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Rank 0 receives every rank's text, concatenated in rank order; other ranks get "".
  std::string gather(const std::string& mine) const;
  // All ranks wait here; with an error on any rank, rank 0 learns it (returns false).
  bool all_ok(bool mine) const;

 private:
  int rank_ = 0, size_ = 1;
  bool mpi_ = false;
  bool unsupported_ = false;
};

}  // namespace spineload
