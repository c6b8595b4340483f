// The one script a page loads to use the widgets:
//   <script type="module" src=".../cnn-playground.js"></script>
// It registers every widget under its tag. The classes live in their own
// files; a page that wants other tag names can import a class and call
// Class.define('my-tag') instead.
import { CnnDrawClassify } from './draw-classify.js';
import { CnnNetworkView } from './network-view.js';
import { CnnConvLab } from './conv-lab.js';
import { CnnPoolLab } from './pool-lab.js';
import { CnnLangPicker } from './lang-picker.js';
import { CnnEmbedPage } from './embed-page.js';
import { CnnTeachPage } from './teach-page.js';
import { CnnTrain } from './train.js';

CnnDrawClassify.define('cnn-draw-classify');
CnnNetworkView.define('cnn-network-view');
CnnConvLab.define('cnn-conv-lab');
CnnPoolLab.define('cnn-pool-lab');
CnnLangPicker.define('cnn-lang-picker');
CnnEmbedPage.define('cnn-embed-page');
CnnTeachPage.define('cnn-teach-page');
CnnTrain.define('cnn-train');
