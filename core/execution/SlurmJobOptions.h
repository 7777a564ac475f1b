#pragma once
// SlurmJobOptions: what an experiment asks of the cluster for each trial job (the "slurm" block of
// an experiment config's "execution"; sbatch options). Plain value type.
#include <string>
#include <vector>

namespace perfnas {

struct SlurmJobOptions {
    std::string partition;  // sbatch --partition; empty: the cluster's default
    std::string account;    // sbatch --account; empty: the user's default
    std::string timeLimit;  // sbatch --time ("30", "2:00:00", "1-0"); empty: the partition's
    int cpusPerTrial = 1;   // sbatch --cpus-per-task; also caps the trial's torch threads
    std::vector<std::string>
        options;  // further sbatch options, verbatim ("--qos=long", "--mem=4G")
};

}  // namespace perfnas
