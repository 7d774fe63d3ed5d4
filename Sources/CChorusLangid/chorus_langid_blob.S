/*
 * The language model (scripts/langid/build-model.py writes it), linked into the binary as
 * read-only data so that loading it costs nothing and it cannot go missing at run time.
 * The path is relative to the package root, the compiler's working directory under SwiftPM.
 * SwiftPM does not track the .bin: the build script touches this file after writing it.
 */
    .section .rodata.chorus_langid, "a"
    .balign 64
    .globl chorus_langid_blob_start
    .hidden chorus_langid_blob_start
chorus_langid_blob_start:
    .incbin "Sources/CChorusLangid/langid/chorus-langid.bin"
    .globl chorus_langid_blob_end
    .hidden chorus_langid_blob_end
chorus_langid_blob_end:

    .section .note.GNU-stack, "", @progbits
