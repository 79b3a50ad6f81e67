using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MechNN.Training.Distributed;

/// <summary>
/// What the trainer does with a communicator: one flat buffer per step holding every gradient, the step's loss and
/// this replica's stop request, summed in a single all-reduce (so a replica's Ctrl-C stops every replica after the
/// same step); and the parameters broadcast from rank 0 at the start, so replicas begin identical however they were
/// initialised.
/// </summary>
internal static class ReplicaSync
{
    /// <summary>Sums the replicas' gradients (in place) and losses; true in Stop when any replica asked to stop.</summary>
    public static (Tensor Loss, bool Stop) AllReduce(ICommunicator communicator, IReadOnlyList<Parameter> parameters, Tensor loss, bool stop)
    {
        using var noGrad = no_grad();
        var device = parameters[0].device;
        var flat = FlatGradients(parameters, device, loss, stop);
        communicator.AllReduceSum(flat);
        long offset = 0;
        foreach (var p in parameters)
        {
            long n = p.numel();
            // A parameter no replica's loss touched has no gradient anywhere: the sum is zero and Adam skips it alike.
            p.grad?.copy_(flat.narrow(0, offset, n).view_as(p).to_type(p.grad.dtype));
            offset += n;
        }
        var tail = flat.narrow(0, offset, 2).cpu().data<double>().ToArray();
        return (tensor(tail[0], dtype: ScalarType.Float64), tail[1] > 0);
    }

    /// <summary>Makes every replica's parameters those of rank 0.</summary>
    public static void BroadcastParameters(ICommunicator communicator, IReadOnlyList<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = cat(parameters.Select(p => p.detach().flatten().to_type(ScalarType.Float64)).ToList(), 0).contiguous();
        communicator.Broadcast(flat, 0);
        long offset = 0;
        foreach (var p in parameters)
        {
            long n = p.numel();
            p.copy_(flat.narrow(0, offset, n).view_as(p).to_type(p.dtype));
            offset += n;
        }
    }

    /// <summary>Rank 0's value of a scalar that only rank 0 computed (validation), on every replica.</summary>
    public static double? BroadcastScalar(ICommunicator communicator, double? value, Device device)
    {
        using var scope = NewDisposeScope();
        var buffer = tensor(new[] { value ?? double.NaN, value is null ? 0.0 : 1.0 }, dtype: ScalarType.Float64, device: device);   // NCCL: on the GPU
        communicator.Broadcast(buffer, 0);
        var got = buffer.cpu().data<double>().ToArray();
        return got[1] > 0 ? got[0] : null;
    }

    private static Tensor FlatGradients(IReadOnlyList<Parameter> parameters, Device device, Tensor loss, bool stop)
    {
        var parts = parameters.Select(p => p.grad is { } g ? g.flatten().to_type(ScalarType.Float64) : zeros(p.numel(), dtype: ScalarType.Float64, device: device)).ToList();
        parts.Add(loss.detach().reshape(1).to_type(ScalarType.Float64).to(device));
        parts.Add(full(1, stop ? 1.0 : 0.0, dtype: ScalarType.Float64, device: device));
        return cat(parts, 0).contiguous();
    }
}
