using System.Buffers.Binary;
using System.Text;

namespace MechNN.Runtime;

/// <summary>
/// Byte-level edit of libLibTorchSharp.so (TorchSharp 0.107) so it loads against a libstdc++ older than GCC 13.
/// The library needs GLIBCXX_3.4.32 for a single symbol, <c>_ZSt21ios_base_library_initv</c>, which only forces
/// iostream initialisation (older libstdc++ does that by itself). Three edits, no external tool:
/// the symbol's name becomes <c>sched_yield</c> (a harmless libc function), its version index becomes global (1),
/// and the GLIBCXX_3.4.32 requirement is marked weak so the loader tolerates its absence.
/// </summary>
internal static class ElfVersionPatch
{
    public const string Symbol = "_ZSt21ios_base_library_initv";
    public const string Version = "GLIBCXX_3.4.32";
    private const string Replacement = "sched_yield";
    private const uint ShtDynsym = 11, ShtGnuVersym = 0x6fffffff, ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link, long EntrySize);

    /// <summary>True when <paramref name="elf"/> still needs <see cref="Version"/> strongly (i.e. needs the patch).</summary>
    public static bool NeedsPatch(byte[] elf) => FindVernaux(elf, out _, out var flags) && (flags & VerFlagWeak) == 0;

    /// <summary>Applies the three edits in place. Throws <see cref="InvalidDataException"/> when the layout is not the expected one.</summary>
    public static void Apply(byte[] elf)
    {
        var sections = ReadSections(elf);
        var dynsym = sections.SingleOrDefault(s => s.Type == ShtDynsym);
        var versym = sections.SingleOrDefault(s => s.Type == ShtGnuVersym);
        if (dynsym.Size == 0 || versym.Size == 0) throw new InvalidDataException("ELF has no .dynsym/.gnu.version section");
        var dynstr = sections[(int)dynsym.Link];

        bool renamed = false;
        long count = dynsym.Size / dynsym.EntrySize;
        for (long i = 0; i < count; i++)
        {
            long entry = dynsym.Offset + i * dynsym.EntrySize;
            long nameOffset = dynstr.Offset + BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)entry, 4));
            if (ReadCString(elf, nameOffset) != Symbol) continue;
            var name = elf.AsSpan((int)nameOffset, Symbol.Length);
            name.Clear();
            Encoding.ASCII.GetBytes(Replacement).CopyTo(name);
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan((int)(versym.Offset + 2 * i), 2), 1);
            renamed = true;
        }
        if (!renamed) throw new InvalidDataException($"symbol {Symbol} not found in .dynsym");
        if (!FindVernaux(elf, out long flagsAt, out var flags)) throw new InvalidDataException($"no {Version} requirement found");
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan((int)flagsAt, 2), (ushort)(flags | VerFlagWeak));
    }

    private static bool FindVernaux(byte[] elf, out long flagsAt, out ushort flags)
    {
        flagsAt = 0; flags = 0;
        var sections = ReadSections(elf);
        var verneed = sections.SingleOrDefault(s => s.Type == ShtGnuVerneed);
        if (verneed.Size == 0) return false;
        var strtab = sections[(int)verneed.Link];
        long need = verneed.Offset;
        while (true)
        {
            ushort auxCount = U16(elf, need + 2);
            long aux = need + U32(elf, need + 8);
            for (int a = 0; a < auxCount; a++)
            {
                if (ReadCString(elf, strtab.Offset + U32(elf, aux + 8)) == Version)
                {
                    flagsAt = aux + 4;
                    flags = U16(elf, flagsAt);
                    return true;
                }
                uint nextAux = U32(elf, aux + 12);
                if (nextAux == 0) break;
                aux += nextAux;
            }
            uint next = U32(elf, need + 12);
            if (next == 0) return false;
            need += next;
        }
    }

    private static List<Section> ReadSections(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a little-endian ELF64 file");
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28, 8));
        ushort shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        var list = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            list.Add(new Section(U32(elf, h + 4),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)(h + 0x18), 8)),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)(h + 0x20), 8)),
                U32(elf, h + 0x28),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)(h + 0x38), 8))));
        }
        return list;
    }

    private static ushort U16(byte[] b, long at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan((int)at, 2));
    private static uint U32(byte[] b, long at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan((int)at, 4));

    private static string ReadCString(byte[] b, long at)
    {
        int end = Array.IndexOf(b, (byte)0, (int)at);
        return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
    }
}
