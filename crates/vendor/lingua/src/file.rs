/*
 * Copyright © 2020-present Peter M. Stahl pemistahl@gmail.com
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 * http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either expressed or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

use crate::Language;
use crate::detector::{CountModelFst, LanguageModelFst};
use std::borrow::Cow;
use std::io::ErrorKind;

// Dossier's copy: the models come from `dossier-lingua-models`, which stores
// them compressed and decompresses each file once, on first use, into a
// buffer that lives as long as the process (see NOTICE).

pub(crate) fn read_probability_model_data_file(
    language: Language,
    file_name: &str,
) -> std::io::Result<LanguageModelFst> {
    let fst_file = get_model_file(language, file_name)?;
    let fst_map = fst::Map::new(Cow::Borrowed(fst_file)).unwrap();
    Ok(fst_map)
}

pub(crate) fn read_count_model_data_file(
    language: Language,
    file_name: &str,
) -> std::io::Result<CountModelFst> {
    let fst_file = get_model_file(language, file_name)?;
    let fst_set = fst::Set::new(Cow::Borrowed(fst_file)).unwrap();
    Ok(fst_set)
}

// Dossier's copy: the test data (used only to train count models) is not shipped.
pub(crate) fn read_test_data_file(_language: Language, _file_name: &str) -> std::io::Result<&str> {
    Err(ErrorKind::NotFound.into())
}

fn get_model_file(language: Language, file_name: &str) -> std::io::Result<&'static [u8]> {
    let language_name = format!("{language:?}").to_lowercase();
    dossier_lingua_models::model_file(&language_name, file_name).ok_or(ErrorKind::NotFound.into())
}
