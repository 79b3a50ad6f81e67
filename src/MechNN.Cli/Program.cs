return MechNN.Cli.Cli.Run(args, Console.Out, Console.Error);
