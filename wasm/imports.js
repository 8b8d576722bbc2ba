mergeInto(LibraryManager.library, { rnnlab_js_next: function () {} }); // env.rnnlab_js_next (wasm/api.c) is supplied by JS at instantiation: wasm/search.mjs searchImports
